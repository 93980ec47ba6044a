package dashboards

import (
	"embed"
	"fmt"
	"net/http"
)

// webFS holds the page: plain HTML, CSS and JavaScript, no build step.
//
//go:embed web/index.html web/app.js web/style.css
var webFS embed.FS

// assets are the files served under /assets/.
var assets = map[string]bool{"app.js": true, "style.css": true}

// serveIndex answers the dashboards page.
func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) {
	s.serveWebFile(w, r, "index.html")
}

// serveAsset answers one of the page's scripts or style sheets.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if !assets[name] {
		s.fail(w, r, http.StatusNotFound, fmt.Errorf("no such asset: %s", name))
		return
	}
	s.serveWebFile(w, r, name)
}

// serveWebFile answers an embedded file with the content type of its
// extension; the browser revalidates it on every load so a new build shows
// at once.
func (s *Server) serveWebFile(w http.ResponseWriter, r *http.Request, name string) {
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeFileFS(w, r, webFS, "web/"+name)
}
