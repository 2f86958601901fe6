"""``nbgrader list`` over the service, in exactly the shape nbgrader's default exchange returns
(the JupyterLab Assignments tab and Formgrader read it).

* released (default): one dict per released assignment of the caller's courses —
  ``course_id, assignment_id, status ('released' | 'fetched' | 'removed'), path, notebooks``;
* ``--inbound`` (teachers) and ``--cached`` (students, their own): one dict per course, student
  and assignment with the ``submissions`` sorted by time stamp, each with the feedback flags.

``--remove`` withdraws a release (teachers): students no longer see it; nothing is deleted.
"""

from __future__ import annotations

import os

from nbgrader.exchange.abc import ExchangeList as ABCExchangeList

from .base import Exchange
from .client import q
from .student import FEEDBACK_VERSION_FILE


class ExchangeList(Exchange, ABCExchangeList):
    def start(self):
        if self.inbound and self.cached:
            self.fail("Options --inbound and --cached are incompatible.")
        self.set_timestamp()
        if self.remove:
            return self.remove_files()
        return self.list_files()

    # --- what the service says ------------------------------------------------------------

    def _courses(self) -> list[dict]:
        with self.service("Could not list your courses") as client:
            courses = client.courses()
        if self.coursedir.course_id:
            courses = [c for c in courses if c["code"] == self.coursedir.course_id]
        return courses

    def _released(self) -> list[dict]:
        out = []
        for course in self._courses():
            with self.service(f"Could not list the assignments of {course['code']}") as client:
                assignments = client.assignments(course["code"])
            for a in assignments:
                release = a.get("release")
                if not release or release["withdrawn"]:
                    continue
                if self.coursedir.assignment_id and a["name"] != self.coursedir.assignment_id:
                    continue
                out.append({"course": course, "assignment": a, "release": release})
        return out

    def _submissions(self) -> list[dict]:
        out = []
        student = self.coursedir.student_id if self.coursedir.student_id not in ("", "*") else None
        for course in self._courses():
            if self.inbound and course["role"] == "student":
                continue
            if self.cached and course["role"] != "student":
                continue
            with self.service(f"Could not list the submissions of {course['code']}") as client:
                rows = client.get(
                    f"courses/{q(course['code'])}/submissions",
                    assignment=self.coursedir.assignment_id or None,
                    student=student,
                )
            out.extend(rows)
        return out

    # --- nbgrader's shapes ------------------------------------------------------------------

    def _released_info(self, item: dict) -> dict:
        course, assignment = item["course"]["code"], item["assignment"]["name"]
        local = self.local_assignment_dir(course, assignment)
        info = {"course_id": course, "assignment_id": assignment}
        a = item["assignment"]
        if a.get("due_local"):
            info["due_local"] = a["due_local"]
        if self.remove:
            info["status"], info["path"] = "removed", f"mesolab:{course}/{assignment}"
        elif os.path.exists(local):
            info["status"], info["path"] = "fetched", local
        else:
            info["status"], info["path"] = "released", f"mesolab:{course}/{assignment}"
        base = local if info["status"] == "fetched" else info["path"]
        info["notebooks"] = [
            {"notebook_id": os.path.splitext(os.path.basename(nb))[0], "path": os.path.join(base, nb)}
            for nb in sorted(item["release"]["notebooks"])
            if info["status"] != "fetched" or os.path.exists(os.path.join(local, nb))
        ]
        return info

    def _submission_info(self, row: dict) -> dict:
        course, assignment, stamp = row["course"], row["assignment"], row["timestamp"]
        local = self.local_assignment_dir(course, assignment)
        feedback_dir = os.path.join(local, "feedback", stamp)
        exchange_version = (row.get("feedback") or {}).get("version")
        local_version = None
        marker = os.path.join(feedback_dir, FEEDBACK_VERSION_FILE)
        if os.path.isfile(marker):
            with open(marker) as fh:
                local_version = int(fh.read().strip() or 0)
        notebooks = []
        for nb in sorted(row["notebooks"]):
            notebook_id = os.path.splitext(os.path.basename(nb))[0]
            html = os.path.join(feedback_dir, f"{notebook_id}.html")
            has_local = os.path.isfile(html)
            has_exchange = exchange_version is not None
            notebooks.append(
                {
                    "notebook_id": notebook_id,
                    "path": f"mesolab:{course}/{assignment}/{row['student']}/{row['attempt']}/{nb}",
                    "has_local_feedback": has_local,
                    "has_exchange_feedback": has_exchange,
                    "local_feedback_path": html if has_local else None,
                    "feedback_updated": bool(has_local and has_exchange and (local_version or 0) < exchange_version),
                }
            )
        has_local = bool(notebooks) and all(n["has_local_feedback"] for n in notebooks)
        has_exchange = bool(notebooks) and all(n["has_exchange_feedback"] for n in notebooks)
        return {
            "course_id": course,
            "student_id": row["student"],
            "assignment_id": assignment,
            "timestamp": stamp,
            "status": "submitted",
            "path": f"mesolab:{course}/{assignment}/{row['student']}/{row['attempt']}",
            "attempt": row["attempt"],
            "late": row["late"],
            "penalty_percent": row["penalty_percent"],
            "notebooks": notebooks,
            "has_local_feedback": has_local,
            "has_exchange_feedback": has_exchange,
            "feedback_updated": any(n["feedback_updated"] for n in notebooks),
            "local_feedback_path": feedback_dir if has_local else None,
        }

    def parse_assignments(self) -> list[dict]:
        if not (self.inbound or self.cached):
            return [self._released_info(item) for item in self._released()]
        groups: dict[tuple, list[dict]] = {}
        for row in self._submissions():
            info = self._submission_info(row)
            groups.setdefault((info["course_id"], info["student_id"], info["assignment_id"]), []).append(info)
        return [
            {
                "course_id": key[0],
                "student_id": key[1],
                "assignment_id": key[2],
                "status": "submitted",
                "submissions": sorted(subs, key=lambda s: s["timestamp"]),
            }
            for key, subs in sorted(groups.items())
        ]

    def format_inbound_assignment(self, info: dict) -> str:
        msg = "{course_id} {student_id} {assignment_id} {timestamp}".format(**info)
        if info["has_local_feedback"] and not info["feedback_updated"]:
            msg += " (feedback already fetched)"
        elif info["has_exchange_feedback"]:
            msg += " (feedback ready to be fetched)"
        else:
            msg += " (no feedback available)"
        return msg

    def format_outbound_assignment(self, info: dict) -> str:
        msg = "{course_id} {assignment_id}".format(**info)
        if info.get("due_local"):
            msg += f" (afati / due: {info['due_local']})"
        if info["status"] == "fetched":
            msg += " (already downloaded)"
        return msg

    def list_files(self) -> list[dict]:
        assignments = self.parse_assignments()
        if self.inbound or self.cached:
            self.log.info("Submitted assignments:")
            for assignment in assignments:
                for info in assignment["submissions"]:
                    self.log.info(self.format_inbound_assignment(info))
        else:
            self.log.info("Released assignments:")
            for info in assignments:
                self.log.info(self.format_outbound_assignment(info))
        return assignments

    def remove_files(self) -> list[dict]:
        if self.inbound or self.cached:
            self.fail("Submissions are never removed from MësoLab: every attempt is kept.")
        assignments = self.parse_assignments()
        self.log.info("Removing released assignments:")
        for info in assignments:
            self.log.info(self.format_outbound_assignment(info))
            with self.service(f"Could not withdraw {info['course_id']} {info['assignment_id']}") as client:
                client.delete(client.assignment_path(info["course_id"], info["assignment_id"], "release"))
        return assignments
