package httpapi

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/wire"
)

// sbomDownloadPrefix is where GetSbom's download links point. Like HCP's
// presigned links they carry their own authorization, a signature that
// expires, so they are fetched without a bearer token (CONTRACT.md §6.4).
const sbomDownloadPrefix = "/localhcp/sbom-download/"

// sbomLinkTTL is how long a download link stays valid.
const sbomLinkTTL = 15 * time.Minute

// sbomLinkKey signs download links. It lives only in memory: links are
// short-lived, so a restart may end them.
var sbomLinkKey = func() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k) // crypto/rand.Read never fails on supported platforms
	return k
}()

func sbomSignature(id string, expires int64) string {
	m := hmac.New(sha256.New, sbomLinkKey)
	m.Write([]byte(id + "\n" + strconv.FormatInt(expires, 10)))
	return hex.EncodeToString(m.Sum(nil))
}

func listSBOMs(h *Handler, c *call) (any, error) {
	sboms, err := h.cfg.Service.ListSBOMs(c.ctx, c.loc, c.param("bucket"), c.param("fingerprint"), c.param("build"))
	if err != nil {
		return nil, err
	}
	out := make([]wire.SBOM, 0, len(sboms))
	for _, s := range sboms {
		out = append(out, wire.SBOM{ID: s.ID, Name: s.Name, Format: s.Format})
	}
	return map[string]any{"sboms": out}, nil
}

func getSBOM(h *Handler, c *call) (any, error) {
	s, err := h.cfg.Service.GetSBOM(c.ctx, c.loc, c.param("bucket"), c.param("fingerprint"), c.param("build"), c.param("name"))
	if err != nil {
		return nil, err
	}
	expires := h.cfg.Now().Add(sbomLinkTTL).Unix()
	link := h.cfg.BaseURL + sbomDownloadPrefix + url.PathEscape(s.ID) +
		"?expires=" + strconv.FormatInt(expires, 10) + "&signature=" + sbomSignature(s.ID, expires)
	return map[string]any{"download_url": link}, nil
}

// serveSBOMDownload answers a download link with the SBOM's bytes as they
// were uploaded.
func (h *Handler) serveSBOMDownload(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeStatus(w, codes.Unimplemented, "method "+r.Method+" is not supported on an SBOM download link: use GET")
		return
	}
	id := strings.TrimPrefix(r.URL.Path, sbomDownloadPrefix)
	q := r.URL.Query()
	expires, err := strconv.ParseInt(q.Get("expires"), 10, 64)
	valid := err == nil && hmac.Equal([]byte(q.Get("signature")), []byte(sbomSignature(id, expires)))
	if !valid {
		writeStatus(w, codes.PermissionDenied, "this SBOM download link is not one localhcp signed: ask GetSbom for a link")
		return
	}
	if h.cfg.Now().Unix() >= expires {
		writeStatus(w, codes.PermissionDenied, "this SBOM download link has expired: ask GetSbom for a new one")
		return
	}
	s, err := h.cfg.Service.SBOMContent(r.Context(), id)
	if err != nil {
		h.writeFailure(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(s.Content)))
	_, _ = w.Write(s.Content)
}
