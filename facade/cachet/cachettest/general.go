package cachettest

import (
	"net/http"
	"strconv"

	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

func (s *Server) ping(*reqCtx) (int, any, error) { return single("Pong!") }

func (s *Server) version(*reqCtx) (int, any, error) {
	if s.cfg.releaseErr {
		return 0, nil, errServer // Guzzle cannot reach api.github.com
	}
	tag, pre, draft := s.cfg.latest, s.cfg.latestPre, s.cfg.latestDraft
	return http.StatusOK, cachetapi.VersionResponse{
		Data: s.cfg.version,
		Meta: cachetapi.VersionMeta{
			OnLatest: phpVersionCompare(s.cfg.version, tag) == 1,
			Latest:   cachetapi.LatestRelease{TagName: &tag, Prelease: &pre, Draft: &draft},
		},
	}, nil
}

// status is the System integration's getStatus, which the status page
// header shows too:
//   - "danger" when at least the major outage rate (50% by default) of the
//     components the caller can see is in major outage (status 4);
//   - "success" when all of them are operational (or there are none) and
//     no incident is unresolved;
//   - "info" otherwise (some component not operational, or an open incident).
//
// Guests do not count components of groups hidden from them.
func (s *Server) status(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	total, major, notOperational := 0, 0, 0
	for _, x := range s.st.components.all() {
		if !x.enabled {
			continue
		}
		if !c.authed {
			if g := s.st.groups.get(x.groupID); g != nil && g.visible == 0 {
				continue
			}
		}
		total++
		if x.status == 4 {
			major++
		}
		if x.status != 1 {
			notOperational++
		}
	}
	unresolved := 0
	for _, inc := range s.st.incidents.all() {
		if inc.status == 4 {
			continue
		}
		resolved := false
		if ups := s.st.updatesOf(inc.id); len(ups) > 0 {
			resolved = ups[0].status == 4
		}
		if !resolved {
			unresolved++
		}
	}
	s.mu.RUnlock()

	choose := func(one, many string) string {
		if total <= 1 {
			return one
		}
		return many
	}
	out := cachetapi.SystemStatus{
		Status:  cachetapi.SystemStatusInfo,
		Message: choose("The system is experiencing issues", "Some systems are experiencing issues"),
	}
	switch {
	case total > 0 && float64(major)/float64(total)*100 >= float64(s.cfg.majorRate):
		out = cachetapi.SystemStatus{
			Status:  cachetapi.SystemStatusDanger,
			Message: choose("The system is experiencing major issues", "Some systems are experiencing major issues"),
		}
	case notOperational == 0 && unresolved == 0:
		out = cachetapi.SystemStatus{
			Status:  cachetapi.SystemStatusSuccess,
			Message: choose("System operational", "All systems are operational"),
		}
	}
	// The real max-age is (wrongly) a Unix time, not a duration.
	if c.w != nil {
		c.w.Header().Set("Cache-Control", "public,max-age="+strconv.FormatInt(c.now.Unix()+30, 10))
	}
	return single(out)
}
