package panel

import (
	"net/http"
	"strings"
	"time"

	"github.com/golden-image/terraform-provider-hcppacker/internal/localhcp/registry"
)

// Every action is two steps: a GET page that says what will happen and
// asks for confirmation, and the POST its button sends.

// revokeView is the revocation confirmation page's data.
type revokeView struct {
	Version  *registry.VersionView
	Serving  []string
	Error    string
	Message  string
	When     string // "now", "in" or "at"
	In, At   string
	Earliest string // the datetime-local minimum, UTC
}

func (p *Panel) revokeConfirm(rq *request) error {
	return p.showRevoke(rq, http.StatusOK, revokeView{When: "now"})
}

func (p *Panel) showRevoke(rq *request, status int, data revokeView) error {
	ctx, bucket := rq.r.Context(), rq.r.PathValue("bucket")
	v, err := p.cfg.Service.GetVersion(ctx, rq.loc, bucket, rq.r.PathValue("fingerprint"))
	if err != nil {
		return err
	}
	channels, err := p.cfg.Service.ListChannels(ctx, rq.loc, bucket)
	if err != nil {
		return err
	}
	data.Version, data.Serving = v, servingChannels(channels, v.ID)
	data.Earliest = p.cfg.Service.Now().Format(datetimeLocal)
	p.render(rq, status, "revoke", "Revoke "+v.Name()+" of "+bucket, data)
	return nil
}

// datetimeLocal is the value format of <input type="datetime-local">.
const datetimeLocal = "2006-01-02T15:04"

// revoke revokes now, or schedules a revocation after a duration or at an
// instant (UTC), with the message the form gives.
func (p *Panel) revoke(rq *request) error {
	form := revokeView{
		Message: strings.TrimSpace(rq.r.PostFormValue("message")), When: rq.r.PostFormValue("when"),
		In: strings.TrimSpace(rq.r.PostFormValue("in")), At: rq.r.PostFormValue("at"),
	}
	u := registry.VersionUpdate{RevocationMessage: form.Message}
	switch form.When {
	case "now":
		u.RevokeIn = "0s"
	case "in":
		u.RevokeIn = form.In
	case "at":
		at, err := time.ParseInLocation(datetimeLocal, form.At, time.UTC)
		if err != nil {
			form.Error = "The revocation time " + form.At + " is not a date and time: pick one in the form (UTC)."
			return p.showRevoke(rq, http.StatusBadRequest, form)
		}
		u.RevokeAt = &at
	default:
		form.Error = "Choose when the revocation takes effect: now, after a duration, or at a date and time."
		return p.showRevoke(rq, http.StatusBadRequest, form)
	}
	bucket := rq.r.PathValue("bucket")
	v, _, err := p.cfg.Service.UpdateVersion(rq.r.Context(), rq.loc, rq.principal.ID, bucket, rq.r.PathValue("fingerprint"), u)
	if err != nil {
		if statusOf(err) >= http.StatusInternalServerError {
			return err
		}
		form.Error = err.Error()
		return p.showRevoke(rq, statusOf(err), form)
	}
	done := "Revoked " + v.Name() + "."
	if v.Status == registry.VersionRevocationScheduled {
		done = "Scheduled the revocation of " + v.Name() + " for " + formatTime(*v.RevokeAt) + "."
	}
	return p.redirect(rq, versionURL(rq.project.ID, bucket, v.Fingerprint), done)
}

// restoreView is the restore confirmation page's data.
type restoreView struct {
	Version *registry.VersionView
	Error   string
}

func (p *Panel) restoreConfirm(rq *request) error {
	return p.showRestore(rq, http.StatusOK, "")
}

func (p *Panel) showRestore(rq *request, status int, msg string) error {
	bucket := rq.r.PathValue("bucket")
	v, err := p.cfg.Service.GetVersion(rq.r.Context(), rq.loc, bucket, rq.r.PathValue("fingerprint"))
	if err != nil {
		return err
	}
	p.render(rq, status, "restore", "Restore "+v.Name()+" of "+bucket, restoreView{Version: v, Error: msg})
	return nil
}

func (p *Panel) restore(rq *request) error {
	bucket := rq.r.PathValue("bucket")
	v, _, err := p.cfg.Service.UpdateVersion(rq.r.Context(), rq.loc, rq.principal.ID, bucket, rq.r.PathValue("fingerprint"), registry.VersionUpdate{Restore: true})
	if err != nil {
		if statusOf(err) >= http.StatusInternalServerError {
			return err
		}
		return p.showRestore(rq, statusOf(err), err.Error())
	}
	return p.redirect(rq, versionURL(rq.project.ID, bucket, v.Fingerprint), "Restored "+v.Name()+".")
}

// assignView is the assignment confirmation page's data.
type assignView struct {
	Channel *registry.ChannelView
	Version *registry.VersionView
	Error   string
}

func (p *Panel) assignConfirm(rq *request) error {
	return p.showAssign(rq, http.StatusOK, rq.r.URL.Query().Get("version"), "")
}

func (p *Panel) showAssign(rq *request, status int, fingerprint, msg string) error {
	ctx, bucket := rq.r.Context(), rq.r.PathValue("bucket")
	c, err := p.cfg.Service.GetChannel(ctx, rq.loc, bucket, rq.r.PathValue("channel"))
	if err != nil {
		return err
	}
	if fingerprint == "" {
		return &pageError{http.StatusBadRequest, "Choose the version to assign to channel " + c.Name + " from the version's or the channel's page."}
	}
	v, err := p.cfg.Service.GetVersion(ctx, rq.loc, bucket, fingerprint)
	if err != nil {
		return err
	}
	p.render(rq, status, "assign", "Assign "+v.Name()+" to "+c.Name, assignView{Channel: c, Version: v, Error: msg})
	return nil
}

// assign points the channel at the confirmed version: the article's
// manual promotion.
func (p *Panel) assign(rq *request) error {
	bucket, name, fp := rq.r.PathValue("bucket"), rq.r.PathValue("channel"), rq.r.PostFormValue("version")
	if fp == "" {
		// An empty fingerprint would unassign the channel: that is not
		// what the confirmation page offered.
		return &pageError{http.StatusBadRequest, "The form names no version to assign to channel " + name + ": start again from the version's or the channel's page."}
	}
	c, err := p.cfg.Service.UpdateChannel(rq.r.Context(), rq.loc, rq.principal.ID, bucket, name,
		registry.ChannelUpdate{Mask: "versionFingerprint", VersionFingerprint: fp})
	if err != nil {
		if statusOf(err) >= http.StatusInternalServerError {
			return err
		}
		return p.showAssign(rq, statusOf(err), fp, err.Error())
	}
	return p.redirect(rq, channelURL(rq.project.ID, bucket, c.Name), "Channel "+c.Name+" now serves "+c.Version.Name()+".")
}
