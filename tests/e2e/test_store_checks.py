"""A checkpoint store is used only for its own job and unchanged data: another job's store, a
changed input and bad directories are refused before anything is written; damaged records are
computed again; a full disk while storing costs one warning."""
import glob
import os
import shutil
import time

from tessera_e2e import TempDirTest, Tmpfs, error_lines, last_json, tessera


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


class StoreChecks(TempDirTest):
    """A store is used only for its own job and unchanged data; damaged records are recomputed."""

    def setUp(self):
        super().setUp()
        self.data = self.generate("data.h5", 100_000, 6, extra=("--chunk-rows", 5_000))
        self.store = self.path("store")
        self.out = self.path("gram.h5")
        self.job = self.write_job("gram.toml", {"path": self.data}, {"type": "gram"}, {"path": self.out, "overwrite": True},
                                  f'[checkpoint]\ndir = "{self.store}"\n')
        r = tessera(["run", self.job, "--json"], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.expected = read_bytes(self.out)
        self.full_tasks = last_json(r.stdout)["tasks"]

    def test_without_resume_earlier_results_are_reported_not_used(self):
        r = tessera(["run", self.job, "--json"], ranks=2)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"checkpoint .*store: [\d,]+ results from an earlier run; pass --resume to use them")
        summary = last_json(r.stdout)
        self.assertEqual(summary["tasks_from_store"], 0)
        self.assertEqual(summary["tasks"], self.full_tasks)
        self.assertEqual(read_bytes(self.out), self.expected)

    def test_resume_with_everything_stored_reads_only_the_result(self):
        r = tessera(["run", self.job, "--resume", "--json"], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        summary = last_json(r.stdout)
        self.assertEqual((summary["tasks"], summary["tasks_from_store"]), (0, 1))
        self.assertEqual(read_bytes(self.out), self.expected)

    def corrupt_every_record(self, how):
        for pack in glob.glob(os.path.join(self.store, "*.pack")):
            size = os.path.getsize(pack)
            with open(pack, "r+b") as f:
                if how == "truncate":
                    f.truncate(min(size, 30))
                else:  # flip a byte in every 64: every record is hit
                    for offset in range(40, size, 64):
                        f.seek(offset)
                        b = f.read(1)
                        f.seek(offset)
                        f.write(bytes([b[0] ^ 0xFF]))

    def test_a_corrupted_or_truncated_store_is_recomputed_with_a_warning(self):
        for how in ("flip", "truncate"):
            with self.subTest(damage=how):
                self.corrupt_every_record(how)
                r = tessera(["run", self.job, "--resume", "--json"], ranks=3)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertRegex(r.stderr, r"stored result of task .* cannot be used \(.*(checksum|truncated).*\); computing it again")
                self.assertEqual(read_bytes(self.out), self.expected)

    def test_a_changed_input_is_refused(self):
        os.utime(self.data, (time.time(), time.time() + 5))
        r = tessera(["run", self.job, "--resume"], ranks=2)
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = error_lines(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn(f"{self.data} changed since checkpoint directory {self.store} was written: it was modified", lines[0])
        # A different shape is named as such.
        self.generate("data.h5", 100_001, 6, extra=("--chunk-rows", 5_000, "--overwrite"))
        lines = error_lines(tessera(["run", self.job, "--resume"], ranks=2).stderr)
        self.assertIn("its size was", lines[0])

    def test_a_store_of_another_job_is_refused_and_left_alone(self):
        before = sorted(os.listdir(self.store))
        other = self.write_job("ols.toml", {"path": self.data}, {"type": "ols"}, {"path": self.path("ols.h5")},
                               f'[checkpoint]\ndir = "{self.store}"\n')
        r = tessera(["run", other, "--resume"], ranks=2)
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = error_lines(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn(f"checkpoint directory {self.store} belongs to another job (written for {self.job}; its job had "
                      "'type = 'gram'', this one 'type = 'ols'')", lines[0])
        self.assertEqual(sorted(os.listdir(self.store)), before, "nothing written")
        self.assertFalse(os.path.exists(self.path("ols.h5")))

    def test_bad_store_directories_are_refused_before_anything_is_written(self):
        plain_file = self.path("a-file")
        open(plain_file, "w").close()
        foreign = self.path("foreign")
        os.mkdir(foreign)
        open(os.path.join(foreign, "notes.txt"), "w").close()
        cases = {
            self.path("missing/store"): f"checkpoint directory {self.path('missing/store')}: its parent {self.path('missing')} does not exist",
            plain_file: f"checkpoint directory {plain_file}: is not a directory",
            foreign: f"checkpoint directory {foreign}: holds notes.txt, which tessera did not write",
        }
        for directory, message in cases.items():
            with self.subTest(directory=directory):
                out = self.path("other.h5")
                r = tessera(["run", self.job, "--checkpoint", directory, "--set", f"output.path={out}"], ranks=2)
                self.assertEqual(r.returncode, 2, r.stderr)
                lines = error_lines(r.stderr)
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertIn(message, lines[0])
                self.assertNoOutputLeft(out)
        self.assertEqual(os.listdir(foreign), ["notes.txt"])

    def test_resume_without_a_store_is_refused(self):
        bare = self.write_job("bare.toml", {"path": self.data}, {"type": "gram"}, {"path": self.path("bare.h5")})
        lines = error_lines(tessera(["run", bare, "--resume"], ranks=2).stderr)
        self.assertEqual(lines, [f"tessera: error: --resume needs a checkpoint directory: [checkpoint] dir in {bare}, or "
                                 "--checkpoint DIR"])

    def test_a_read_only_store_directory_is_refused(self):
        with Tmpfs(64 * 1024, read_only=True) as disk:
            r = tessera(["run", self.job, "--checkpoint", disk.path, "--set", f"output.path={self.path('ro.h5')}"], ranks=2)
            self.assertEqual(r.returncode, 2, r.stderr)
            lines = error_lines(r.stderr)
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertIn(f"checkpoint directory {disk.path}: cannot write in {disk.path} (Read-only file system)", lines[0])
            self.assertNoOutputLeft(self.path("ro.h5"))

    def test_a_full_disk_while_storing_costs_one_warning_and_nothing_else(self):
        # Room for the manifest and a few pages of results; the job's 400 results (80 KB) do not fit.
        data = self.generate("many.h5", 200_000, 6, extra=("--chunk-rows", 1_000))
        out = self.path("many.h5.gram")
        job = self.write_job("many.toml", {"path": data}, {"type": "gram"}, {"path": out, "overwrite": True})
        r = tessera(["run", job], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        expected = read_bytes(out)
        with Tmpfs(32 * 1024) as disk:
            store = os.path.join(disk.path, "store")
            r = tessera(["run", job, "--checkpoint", store, "--json"], ranks=3)
            self.assertEqual(r.returncode, 0, r.stderr)
            warnings = [l for l in error_lines(r.stderr) if "warning" in l]
            self.assertEqual(len(warnings), 1, r.stderr)
            self.assertIn("No space left on device; the job goes on without storing more results", warnings[0])
            self.assertEqual(read_bytes(out), expected)
            # What was stored is whole: a resume (where there is room for its manifest) uses it and
            # still writes the same file.
            copy = self.path("copied-store")
            shutil.copytree(store, copy)
        r = tessera(["run", job, "--checkpoint", copy, "--resume", "--json"], ranks=2)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(last_json(r.stdout)["tasks_from_store"], 0)
        self.assertEqual(read_bytes(out), expected)
