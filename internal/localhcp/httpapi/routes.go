package httpapi

// Path prefixes of the three APIs.
const (
	rmPrefix     = "/resource-manager/2019-12-10"
	packerPrefix = "/packer/2023-01-01/organizations/{org}/projects/{project}"
	opPrefix     = "/operation/2020-05-05/organizations/{org}/projects/{project}"
	bucketPath   = packerPrefix + "/buckets/{bucket}"
	versionPath  = bucketPath + "/versions/{fingerprint}"
	buildPath    = versionPath + "/builds/{build}"
	channelsPath = bucketPath + "/channels"
)

type handlerFunc = func(h *Handler, c *call) (any, error)

// actionListBuckets is the one read whose answer depends on the caller: a
// principal with roles on some buckets only lists those.
const actionListBuckets = "packer.buckets.list"

func (h *Handler) registerRoutes() {
	// The resource-manager routes localhcp serves are all reads.
	rmGet := func(path, action string, fn handlerFunc) {
		h.router.add("GET", rmPrefix+path, &endpoint{action: action, scope: scopeNone, fn: fn, served: h.counts.counter(action), open: true})
	}
	pk := func(method, path, action string, fn handlerFunc) {
		h.router.add(method, path, &endpoint{action: action, scope: scopeProject, fn: fn, served: h.counts.counter(action),
			cached: method == "GET" && cachedActions[action]})
	}
	// Out-of-scope routes answer Unimplemented for any method, instead of
	// NotFound for an unknown route, so a client sees the feature is missing
	// (CONTRACT.md §6.8).
	unimplemented := func(path string) {
		h.router.add("*", path, &endpoint{})
	}

	rmGet("/organizations", "resourcemanager.organizations.list", listOrganizations)
	rmGet("/organizations/{id}", "resourcemanager.organizations.get", getOrganization)
	rmGet("/projects", "resourcemanager.projects.list", listProjects)
	rmGet("/projects/{id}", "resourcemanager.projects.get", getProject)
	unimplemented(rmPrefix + "/{rest...}")

	pk("GET", opPrefix+"/operations", "operations.operations.list", listOperations)
	pk("GET", opPrefix+"/operations/{id}", "operations.operations.get", getOperation)
	pk("GET", opPrefix+"/operations/{id}/wait", "operations.operations.wait", getOperation)

	pk("GET", packerPrefix+"/registry", "packer.registries.get", getRegistry)
	pk("PUT", packerPrefix+"/registry", "packer.registries.create", createRegistry)
	pk("PATCH", packerPrefix+"/registry", "packer.registries.update", updateRegistry)
	pk("DELETE", packerPrefix+"/registry", "packer.registries.delete", deleteRegistry)
	pk("GET", packerPrefix+"/runtasks/{task_type}", "packer.runtasks.get", getRunTaskAPI)
	pk("PATCH", packerPrefix+"/runtasks/hmac", "packer.runtasks.update", regenerateHMAC)
	unimplemented(packerPrefix + "/runtasks/config")

	pk("PUT", packerPrefix+"/buckets", "packer.buckets.create", createBucket)
	pk("GET", packerPrefix+"/buckets", actionListBuckets, listBuckets)
	pk("GET", bucketPath, "packer.buckets.get", getBucket)
	pk("PATCH", bucketPath, "packer.buckets.update", updateBucket)
	pk("DELETE", bucketPath, "packer.buckets.delete", deleteBucket)
	pk("GET", bucketPath+"/ancestry", "packer.ancestry.list", listAncestry)

	pk("POST", bucketPath+"/versions", "packer.versions.create", createVersion)
	pk("GET", bucketPath+"/versions", "packer.versions.list", listVersions)
	pk("GET", versionPath, "packer.versions.get", getVersion)
	pk("PATCH", versionPath, "packer.versions.update", updateVersion)
	pk("DELETE", versionPath, "packer.versions.delete", deleteVersion)

	pk("POST", versionPath+"/builds", "packer.builds.create", createBuild)
	pk("GET", versionPath+"/builds", "packer.builds.list", listBuilds)
	pk("GET", buildPath, "packer.builds.get", getBuild)
	pk("PATCH", buildPath, "packer.builds.update", updateBuild)
	pk("DELETE", buildPath, "packer.builds.delete", deleteBuild)
	pk("PUT", buildPath+"/sboms", "packer.sboms.create", uploadSBOM)
	pk("GET", buildPath+"/sboms", "packer.sboms.list", listSBOMs)
	pk("GET", buildPath+"/sboms/{name}", "packer.sboms.get", getSBOM)

	pk("POST", channelsPath, "packer.channels.create", createChannel)
	pk("GET", channelsPath, "packer.channels.list", listChannels)
	pk("GET", channelsPath+"/{channel}", "packer.channels.get", getChannel)
	pk("PATCH", channelsPath+"/{channel}", "packer.channels.update", updateChannel)
	pk("DELETE", channelsPath+"/{channel}", "packer.channels.delete", deleteChannel)
	pk("POST", channelsPath+"/assign", "packer.channels.assign", assignChannelVersion)
	pk("GET", channelsPath+"/{channel}/history", "packer.channels.history.list", listChannelHistory)

	pk("GET", packerPrefix+"/enforced_blocks/bucket/{bucket}", "packer.enforcedblocks.list", getEnforcedBlocksByBucket)
	unimplemented(packerPrefix + "/enforced_blocks/{rest...}")
	unimplemented(packerPrefix + "/_search/external_artifact")
	unimplemented(bucketPath + "/packages/{rest...}")
	unimplemented(bucketPath + "/vulnerabilities")
	unimplemented(buildPath + "/packages")
	h.registerLegacyRoutes()
	h.registerIAMRoutes()
	h.registerPolicyRoutes()
	unimplemented("/packer/2021-04-30/{rest...}")
}
