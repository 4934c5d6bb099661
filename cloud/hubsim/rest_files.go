package hubsim

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// The files the hub hosts for updates over the air: PUT with a policy
// that may write the registry, GET by anyone (a module fetches with no
// credentials; the address is the file's SHA-256, so it names the bytes
// and nothing else). IoT Hub itself hosts no files: it answers PUT
// /files with 404, which tells a client to use a storage account.

func (s *Server) routeFiles(mux *http.ServeMux) {
	mux.Handle("PUT /files/{sha256}", s.authorize(RightRegistryWrite, MaxHostedFile, s.restPutFile))
	mux.HandleFunc("GET /files/{sha256}", s.restGetFile)
}

// restPutFile keeps the body under the digest the path names: 201 when
// new, 200 when the hub already had it.
func (s *Server) restPutFile(w http.ResponseWriter, r *http.Request) error {
	digest := r.PathValue("sha256")
	if !isDigest(digest) {
		return errBadRequest("the path must name the file's SHA-256 as 64 lowercase hex digits: PUT /files/{sha256}")
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if got := digestOf(data); got != digest {
		return errBadRequest(fmt.Sprintf("the body's SHA-256 is %s, not the %s the path names; the upload was damaged or the path is wrong", got, digest))
	}
	created, err := s.files.put(digest, data)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		s.log.Info("hosting a file", "sha256", digest, "size", len(data))
	}
	w.Header().Set("Location", "/files/"+digest)
	writeJSON(w, status, map[string]any{"sha256": digest, "size": len(data)})
	return nil
}

// restGetFile serves a hosted file whole (or a range of it) with its
// length announced, so an HTTP/1.0 client that reads to the end of the
// connection and one that counts bytes both get it right.
func (s *Server) restGetFile(w http.ResponseWriter, r *http.Request) {
	digest := r.PathValue("sha256")
	content, size, stored, ok := s.files.open(digest)
	if !ok {
		writeError(w, errFileNotFound(digest))
		return
	}
	defer content.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("ETag", `"`+digest+`"`)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	http.ServeContent(w, r, "", stored, content)
}

// HostFile keeps data as a PUT /files would and returns the address
// modules fetch it from (a bare path when the REST listener is off).
func (s *Server) HostFile(data []byte) (url string, err error) {
	if len(data) > MaxHostedFile {
		return "", errTooLarge(int64(len(data)), MaxHostedFile)
	}
	digest := digestOf(data)
	if _, err := s.files.put(digest, data); err != nil {
		return "", err
	}
	return s.HTTPURL() + "/files/" + digest, nil
}

func errFileNotFound(digest string) *ServiceError {
	return &ServiceError{http.StatusNotFound, CodeFileNotFound, "FileNotFound",
		fmt.Sprintf("this hub hosts no file with SHA-256 %q; upload it with PUT /files/{sha256}", digest)}
}
