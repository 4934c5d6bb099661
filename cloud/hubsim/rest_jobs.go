package hubsim

import (
	"net/http"
	"strconv"
)

// maxJobBody bounds a job request: a twin patch or a method payload is
// well under it.
const maxJobBody = 64 << 10

func (s *Server) routeJobs(mux *http.ServeMux) {
	mux.Handle("PUT /jobs/v2/{id}", s.authorize(RightRegistryWrite, maxJobBody, s.restPutJob))
	mux.Handle("GET /jobs/v2/query", s.authorize(RightRegistryRead, 0, s.restQueryJobs))
	mux.Handle("GET /jobs/v2/{id}", s.authorize(RightRegistryRead, 0, s.restGetJob))
	mux.Handle("POST /jobs/v2/{id}/cancel", s.authorize(RightRegistryWrite, 0, s.restCancelJob))
}

// restPutJob schedules a scheduleUpdateTwin or scheduleDeviceMethod job
// and answers with its document.
func (s *Server) restPutJob(w http.ResponseWriter, r *http.Request) error {
	var job Job
	if err := readJSON(r, &job); err != nil {
		return err
	}
	id := r.PathValue("id")
	if job.JobID != "" && job.JobID != id {
		return errBadRequest("jobId in the body differs from the one in the path")
	}
	job.JobID = id
	doc, err := s.ScheduleJob(job)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, doc)
	return nil
}

func (s *Server) restGetJob(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.Job(r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, doc)
	return nil
}

func (s *Server) restCancelJob(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.CancelJob(r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, doc)
	return nil
}

// restQueryJobs lists jobs, newest first, filtered by ?jobType= and
// ?jobStatus=, paged like the device query.
func (s *Server) restQueryJobs(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	jobType, status := q.Get("jobType"), q.Get("jobStatus")
	var out []Job
	for _, j := range s.jobs.all() {
		if (jobType == "" || j.Type == jobType) && (status == "" || j.Status == status) {
			out = append(out, j)
		}
	}
	start := 0
	if tok := r.Header.Get("x-ms-continuation"); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 || n > len(out) {
			return errBadRequest("x-ms-continuation is not a continuation token this hub gave")
		}
		start = n
	}
	size := defaultQueryPage
	if n, err := strconv.Atoi(r.Header.Get("x-ms-max-item-count")); err == nil && n > 0 {
		size = min(n, maxQueryPage)
	}
	end := min(start+size, len(out))
	if end < len(out) {
		w.Header().Set("x-ms-continuation", strconv.Itoa(end))
	}
	page := out[start:end]
	if page == nil {
		page = []Job{}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}
