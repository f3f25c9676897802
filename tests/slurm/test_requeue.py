"""jobs/requeue.slurm under a real single-node Slurm (Debian's slurm-wlm and munge, started by
scripts/slurm-up): the job is signalled mid-run the way Slurm's --signal=USR1@SECONDS warns it,
tessera stores what finished and exits 75, the script requeues the job, and the requeued run
resumes and writes exactly the file an uninterrupted run writes."""

from slurm_harness import SlurmTest, exit_code, job_state, run  # noqa: E402  (puts tests/e2e on the path)
from tessera_e2e import stored_records, tessera, wait_for  # noqa: E402


class Requeue(SlurmTest):
    def test_signalled_requeued_and_resumed_with_identical_output(self):
        data = self.generate("cls.h5", 1_000_000, 8, kind="classification", extra=("--chunk-rows", 8_000))
        search = '[cv]\nfolds = 3\n[search]\ngrid = { C = { logspace = [-2, 2, 6] } }\nscoring = "accuracy"\n'
        reference = self.write_job("reference.toml", {"path": data}, {"type": "logistic"}, {"path": self.path("ref.h5")}, search)
        r = tessera(["run", reference], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        job = self.write_job("job.toml", {"path": data}, {"type": "logistic"}, {"path": self.path("out.h5")}, search)
        store = self.path("job.checkpoint")

        job_id, _ = self.sbatch("requeue.slurm", job, store, wait=False, options=("--ntasks=3",))
        log = self.path(f"slurm-{job_id}.out")
        wait_for(lambda: stored_records(store) >= 20, timeout=120, what="the first run to store results")
        # What Slurm's --signal=USR1@SECONDS does at the warning time: SIGUSR1 to every task.
        run("scancel", "--signal=USR1", job_id, timeout=30)
        wait_for(lambda: job_state(job_id) == ("COMPLETED", 1), timeout=240, what="the requeued job to complete")
        self.assertEqual(exit_code(job_id), (0, 0), "Slurm records the requeued run's success")
        with open(log) as f:
            text = f.read()
        self.assertIn("interrupted by SIGUSR1", text)
        self.assertIn("interrupted (exit 75); requeueing job", text)
        self.assertIn(f"run 2 of job {job_id}", text)
        self.assertRegex(text, r"resuming with [\d,]+ stored results")
        self.assertRegex(text, r"[\d,]+ results read from the checkpoint store")
        with open(self.path("ref.h5"), "rb") as a, open(self.path("out.h5"), "rb") as b:
            self.assertEqual(a.read(), b.read(), "the requeued run's output differs from an uninterrupted run's")
