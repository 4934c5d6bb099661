package cli

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud/registry"
)

// jobPoll is how often a job's progress is read.
const jobPoll = 300 * time.Millisecond

// followJob prints the job's progress whenever it changes until the job
// ends, and fails unless every device succeeded. Ctrl+C cancels the job.
func followJob(ctx context.Context, c *call, rc *registry.Client, job registry.Job) error {
	out := &outputWriter{w: c.stdout}
	fmt.Fprintln(out, lang.L("job {{.ID}} started", map[string]any{"ID": job.JobID}))
	last := ""
	ticker := time.NewTicker(jobPoll)
	defer ticker.Stop()
	for {
		line := jobProgress(job)
		if line != last {
			fmt.Fprintln(out, line)
			last = line
		}
		if job.Done() {
			break
		}
		select {
		case <-ctx.Done():
			stopCtx, cancel := context.WithTimeout(context.Background(), registry.DefaultTimeout)
			_, err := rc.CancelJob(stopCtx, job.JobID)
			cancel()
			if err != nil {
				return failedUnlessKnown(lang.L("Could not cancel job {{.ID}}", map[string]any{"ID": job.JobID}), err)
			}
			return failed(lang.L("Interrupted: job {{.ID}} was cancelled", map[string]any{"ID": job.JobID}), nil)
		case <-ticker.C:
		}
		next, err := rc.GetJob(ctx, job.JobID)
		if err != nil && ctx.Err() == nil {
			return failedUnlessKnown(lang.L("Could not read the progress of job {{.ID}}", map[string]any{"ID": job.JobID}), err)
		}
		if err == nil {
			job = next
		}
	}
	if out.err != nil {
		return outputFailed(out.err)
	}
	st := job.Statistics
	if job.Status != registry.JobCompleted || st.FailedCount > 0 {
		line := lang.L("job {{.ID}} ended {{.Status}}: {{.Failed}} of {{.Count}} devices failed",
			map[string]any{"ID": job.JobID, "Status": job.Status, "Failed": st.FailedCount, "Count": st.DeviceCount})
		if job.FailureReason != "" {
			line += " (" + job.FailureReason + ")"
		}
		c.note(line)
		return errSaid
	}
	return nil
}

// jobProgress is one line of a job's state: status and counts.
func jobProgress(j registry.Job) string {
	st := j.Statistics
	return lang.L("job {{.ID}}: {{.Status}}, {{.Done}} of {{.Count}} devices done ({{.Succeeded}} succeeded, {{.Failed}} failed, {{.Running}} running, {{.Pending}} pending)",
		map[string]any{"ID": j.JobID, "Status": j.Status, "Done": st.SucceededCount + st.FailedCount, "Count": st.DeviceCount,
			"Succeeded": st.SucceededCount, "Failed": st.FailedCount, "Running": st.RunningCount, "Pending": st.PendingCount})
}
