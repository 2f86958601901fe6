"""The teacher's side: release an assignment (and its source), collect submissions, release feedback.

Releasing uploads the student version (``release/<assignment>``) and the source version
(``source/<assignment>``, teachers and grading workers only) and copies the due date set in
Formgrader to the service. Releasing feedback also posts each student's final score (late
penalty applied) to the central record as an idempotent grade event.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import re
import shutil

from nbgrader.exchange.abc import ExchangeCollect as ABCExchangeCollect
from nbgrader.exchange.abc import ExchangeReleaseAssignment as ABCExchangeReleaseAssignment
from nbgrader.exchange.abc import ExchangeReleaseFeedback as ABCExchangeReleaseFeedback
from nbgrader.utils import parse_utc

from ..versions import feedback_version
from .base import Exchange
from .client import pack, q, unpack


def _gradebook_assignment(coursedir, assignment_id):
    """(max_score, duedate) of the assignment in the teacher's gradebook, if it is there."""
    try:
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
            try:
                a = gb.find_assignment(assignment_id)
            except MissingEntry:
                return None, None
            return (a.max_score or None), a.duedate
    except Exception:  # no gradebook yet, or an old one: the service keeps its defaults
        return None, None


class ExchangeReleaseAssignment(Exchange, ABCExchangeReleaseAssignment):
    def init_src(self):
        self.require_course()
        self.src_path = self.coursedir.format_path(self.coursedir.release_directory, ".", self.coursedir.assignment_id)
        self.source_path = self.coursedir.format_path(
            self.coursedir.source_directory, ".", self.coursedir.assignment_id
        )
        if not os.path.isdir(self.src_path):
            if os.path.isdir(self.source_path):
                self.fail(
                    f"Assignment found in '{self.source_path}' but not '{self.src_path}', "
                    "run `nbgrader generate_assignment` first."
                )
            self.fail(f"Assignment not found at: {self.src_path}")

    def copy_files(self):
        course, assignment = self.coursedir.course_id, self.coursedir.assignment_id
        ignore = list(self.coursedir.ignore)
        max_score, duedate = _gradebook_assignment(self.coursedir, assignment)
        with self.service(f"Could not release {course} {assignment}") as client:
            if os.path.isdir(self.source_path):
                client.upload(
                    client.assignment_path(course, assignment, "source"),
                    pack(self.source_path, ignore),
                    max_score=max_score,
                )
            release = client.upload(
                client.assignment_path(course, assignment, "release"),
                pack(self.src_path, ignore),
                force=self.force,
                max_score=max_score,
            )
            if duedate is not None:
                path = client.assignment_path(course, assignment, "policy")
                policy = client.get(path)
                due = duedate if duedate.tzinfo else duedate.replace(tzinfo=dt.UTC)
                client.put_json(
                    path,
                    {
                        "due_at": due.isoformat(),
                        "late_policy": policy["late_policy"],
                        "penalty_per_day": policy["penalty_per_day"],
                        "hard_close_at": policy["hard_close_at"],
                    },
                )
        self.log.info("Source: %s", self.src_path)
        self.log.info("Released as: %s %s (version %s)", course, assignment, release["version"])


class ExchangeCollect(Exchange, ABCExchangeCollect):
    def init_src(self):
        course = self.require_course()
        with self.service(f"Could not list the submissions of {course}") as client:
            attempts = client.get(
                f"courses/{q(course)}/submissions",
                assignment=self.coursedir.assignment_id,
                student=self.coursedir.student_id if self.coursedir.student_id not in ("", "*") else None,
            )
        by_student: dict[str, list[dict]] = {}
        for a in attempts:
            by_student.setdefault(a["student"], []).append(a)
        self.duedate = None
        if self.before_duedate:
            _, self.duedate = _gradebook_assignment(self.coursedir, self.coursedir.assignment_id)
        self.src_records = []
        for rows in by_student.values():
            rows.sort(key=lambda r: r["attempt"], reverse=True)
            pick = rows[0]
            if self.before_duedate and self.duedate is not None:
                due = self.duedate if self.duedate.tzinfo else self.duedate.replace(tzinfo=dt.UTC)
                early = [r for r in rows if parse_utc(r["timestamp"]) <= due]
                pick = early[0] if early else rows[0]
            self.src_records.append(pick)

    def copy_files(self):
        course, assignment = self.coursedir.course_id, self.coursedir.assignment_id
        if not self.src_records:
            self.log.warning("No submissions of '%s' for course '%s' to collect", assignment, course)
        else:
            self.log.info(
                "Processing %d submissions of '%s' for course '%s'", len(self.src_records), assignment, course
            )
        for rec in self.src_records:
            student = rec["student"]
            dest = self.coursedir.format_path(self.coursedir.submitted_directory, student, assignment)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            copy = updating = False
            if os.path.isdir(dest):
                existing = self.coursedir.get_existing_timestamp(dest)
                new = parse_utc(rec["timestamp"])
                if self.update and (existing is None or new > existing):
                    copy = updating = True
                elif self.before_duedate and existing != new:
                    copy = updating = True
            else:
                copy = True
            if not copy:
                if self.update:
                    self.log.info("No newer submission to collect: %s %s", student, assignment)
                else:
                    self.log.info("Submission already exists, use --update to update: %s %s", student, assignment)
                continue
            with self.service(f"Could not collect {student}'s submission") as client:
                data = client.download(f"submissions/{rec['id']}/files")
            if updating:
                self.log.info("Updating submission: %s %s", student, assignment)
                shutil.rmtree(dest)
            else:
                self.log.info("Collecting submission: %s %s", student, assignment)
            unpack(data, dest)
            with open(os.path.join(dest, "timestamp.txt"), "w") as fh:
                fh.write(rec["timestamp"])


class ExchangeReleaseFeedback(Exchange, ABCExchangeReleaseFeedback):
    def init_src(self):
        self.require_course()
        student = self.coursedir.student_id if self.coursedir.student_id else "*"
        self.src_path = self.coursedir.format_path(
            self.coursedir.feedback_directory, student, self.coursedir.assignment_id
        )

    def _feedback_dirs(self):
        """(student, directory) of every generated feedback of the assignment."""
        exclude = set(filter(None, (self.coursedir.student_id_exclude or "").split(",")))
        regexp = self.coursedir.format_path(
            self.coursedir.feedback_directory, "(?P<student_id>.*)", self.coursedir.assignment_id, escape=True
        )
        for path in sorted(glob.glob(self.src_path)):
            m = re.match(regexp + "$", path)
            if m is None or not os.path.isdir(path) or m["student_id"] in exclude:
                continue
            if glob.glob(os.path.join(path, "*.html")):
                yield m["student_id"], path

    def copy_files(self):
        course, assignment = self.coursedir.course_id, self.coursedir.assignment_id
        with self.service(f"Could not release feedback of {course} {assignment}") as client:
            attempts = client.get(f"courses/{q(course)}/submissions", assignment=assignment)
            record_id = next((a["id"] for a in client.assignments(course) if a["name"] == assignment), None)
        by_key = {(a["student"], parse_utc(a["timestamp"])): a for a in attempts}
        for student, path in self._feedback_dirs():
            stamp_file = os.path.join(path, "timestamp.txt")
            if not os.path.isfile(stamp_file):
                self.log.warning("No timestamp.txt in %s: skipped", path)
                continue
            with open(stamp_file) as fh:
                stamp = parse_utc(fh.read().strip())
            attempt = by_key.get((student, stamp))
            if attempt is None:
                self.log.warning("No submission of %s at %s on the service: feedback not released", student, stamp)
                continue
            data = pack(path, include=("*.html",))
            with self.service(f"Could not release feedback for {student}") as client:
                feedback = client.upload(f"submissions/{attempt['id']}/feedback", data)
            self.log.info(
                "Releasing feedback for student '%s' on assignment '%s/%s' (%s), version %s",
                student,
                course,
                assignment,
                attempt["timestamp"],
                feedback["version"],
            )
            if record_id is not None:
                self.post_grade(client, course, record_id, student, attempt, feedback)

    def post_grade(self, client, course, record_id, student, attempt, feedback):
        """The final score (late penalty applied) as an idempotent grade event in the record."""
        try:
            from nbgrader.api import Gradebook, MissingEntry

            with Gradebook(self.coursedir.db_url, course) as gb:
                try:
                    sub = gb.find_submission(self.coursedir.assignment_id, student)
                except MissingEntry:
                    return
                score, max_score = float(sub.score or 0), float(sub.max_score or 0)
        except Exception as exc:
            self.log.warning("No grade for %s from the gradebook: %s", student, exc)
            return
        if max_score <= 0:
            return
        penalty = max_score * float(attempt.get("penalty_percent") or 0) / 100
        final = round(max(0.0, min(max_score, score - penalty)), 4)
        stamp = parse_utc(attempt["timestamp"]).strftime("%Y%m%dT%H%M%S%f")
        event = {
            "event_id": f"nbgrader:{course}:{record_id}:{student}:{stamp}:v{feedback['version']}",
            "student": student,
            "assignment_id": record_id,
            "score": final,
            "max_score": max_score,
            # newer than any autograding of this attempt, older than anything of a later attempt
            "version": feedback_version(attempt["attempt"], feedback["version"]),
            "source": "nbgrader",
        }
        with self.service(f"Could not record the grade of {student}") as c:
            result = c.post_json("grades/events", event, root=True)
        self.log.info("Grade of %s recorded in MësoLab: %s / %s (%s)", student, final, max_score, result["outcome"])
