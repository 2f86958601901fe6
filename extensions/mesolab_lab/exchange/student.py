"""The student's side: fetch a released assignment, submit it, fetch feedback.

A submission is packed from the local assignment directory (nbgrader's ``ignore`` globs and
``feedback/`` left out) and stamped by the service with *its* time. The service refuses an
over-size or damaged submission, or one after the hard close, with a message in Albanian and
English; the student's previous attempt stays as it was.
"""

from __future__ import annotations

import os

from nbgrader.exchange.abc import ExchangeFetchAssignment as ABCExchangeFetchAssignment
from nbgrader.exchange.abc import ExchangeFetchFeedback as ABCExchangeFetchFeedback
from nbgrader.exchange.abc import ExchangeSubmit as ABCExchangeSubmit
from traitlets import Bool

from .base import Exchange
from .client import pack, q, unpack

FEEDBACK_VERSION_FILE = ".mesolab-feedback-version"


class ExchangeFetchAssignment(Exchange, ABCExchangeFetchAssignment):
    def init_src(self):
        self.require_course()

    def init_dest(self):
        course, assignment = self.coursedir.course_id, self.coursedir.assignment_id
        self.dest_path = self.local_assignment_dir(course, assignment)
        if os.path.isdir(self.dest_path) and not self.replace_missing_files:
            root = os.path.relpath(self.dest_path, os.path.abspath(self.assignment_dir))
            self.fail(f"You already have a copy of the assignment in this directory: {root}")

    def copy_files(self):
        course, assignment = self.coursedir.course_id, self.coursedir.assignment_id
        with self.service(f"Could not fetch {course} {assignment}") as client:
            data = client.download(client.assignment_path(course, assignment, "release"))
        unpack(data, self.dest_path, replace=not self.replace_missing_files)
        self.log.info("Destination: %s", self.dest_path)
        self.log.info("Fetched as: %s %s", course, assignment)


class ExchangeSubmit(Exchange, ABCExchangeSubmit):
    add_random_string = Bool(True, help="Unused: the service numbers attempts.").tag(config=True)

    def init_src(self):
        course = self.require_course()
        self.src_path = self.local_assignment_dir(course, self.coursedir.assignment_id)
        if not os.path.isdir(self.src_path):
            self.fail(f"Assignment not found at: {self.src_path}")

    def check_filename_diff(self, released: list[str]):
        submitted = sorted(
            os.path.relpath(os.path.join(d, f), self.src_path)
            for d, _, files in os.walk(self.src_path)
            for f in files
            if f.endswith(".ipynb") and ".ipynb_checkpoints" not in d
        )
        missing = [n for n in released if n not in submitted]
        extra = [n for n in submitted if n not in released]
        if missing or extra:
            diff = f"Expected:\n\t{chr(10).join(released)}\nSubmitted:\n\t{chr(10).join(submitted)}"
            if missing and self.strict:
                self.fail(
                    f"Assignment {self.coursedir.assignment_id} not submitted. "
                    f"There are missing notebooks for the submission:\n{diff}"
                )
            self.log.warning(
                "Possible missing notebooks and/or extra notebooks submitted for assignment %s:\n%s",
                self.coursedir.assignment_id,
                diff,
            )

    def copy_files(self):
        course, assignment = self.coursedir.course_id, self.coursedir.assignment_id
        with self.service(f"{course} {assignment} was not submitted") as client:
            listed = {a["name"]: a for a in client.assignments(course)}
            if assignment not in listed or not listed[assignment].get("release"):
                self.fail(f"Assignment not found: {course} {assignment}")
            self.check_filename_diff(sorted(listed[assignment]["release"]["notebooks"]))
            data = pack(self.src_path, ignore=list(self.coursedir.ignore))
            result = client.upload(client.assignment_path(course, assignment, "submissions"), data)
        self.timestamp = result["timestamp"]
        self.log.info("Source: %s", self.src_path)
        late = ""
        if result["late"]:
            late = f" (late by {result['days_late']} day(s); penalty {result['penalty_percent']:g}%)"
        self.log.info(
            "Submitted as: %s %s %s (attempt %s)%s", course, assignment, self.timestamp, result["attempt"], late
        )
        return result


class ExchangeFetchFeedback(Exchange, ABCExchangeFetchFeedback):
    def init_src(self):
        course = self.require_course()
        assignment = self.coursedir.assignment_id or None
        with self.service(f"Could not list the feedback of {course}") as client:
            self.feedback = client.get(f"courses/{q(course)}/feedback", assignment=assignment)

    def copy_files(self):
        course = self.coursedir.course_id
        if not self.feedback:
            self.log.warning("No feedback available for %s %s", course, self.coursedir.assignment_id)
        for item in self.feedback:
            dest = os.path.join(self.local_assignment_dir(course, item["assignment"]), "feedback", item["timestamp"])
            with self.service("Could not fetch feedback") as client:
                data = client.download(f"feedback/{item['id']}/files")
            for path in unpack(data, dest):
                self.log.info("Fetched feedback: %s", path)
            with open(os.path.join(dest, FEEDBACK_VERSION_FILE), "w") as fh:
                fh.write(str(item["version"]))
