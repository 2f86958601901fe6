"""Autograding: nbgrader's pipeline with student code in a sandbox, in parallel workers."""
