"""The users of bench/load.py (a locustfile): officers, schools and a manager on their journeys.

Each signs in for real at start, then works with 1–3 s of thought between steps. A page counts
as an error unless it answers as a user expects (status and a phrase of the page). The people
and search words come from the JSON file named by KAA_LOAD_DATA, written by bench/load.py.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["KAA_LOAD_DATA"], encoding="utf-8").read())
_CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
_STUDENTS = itertools.count()


class Journey(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self) -> None:
        self.token = self._token("/logga-in")
        form = {"csrf_token": self.token, "username": self.username}
        form["password"] = f"losen-{self.username}"
        with self.client.post(
            "/logga-in", data=form, allow_redirects=False, catch_response=True, name="login"
        ) as response:
            if response.status_code != 303:
                response.failure(f"login as {self.username}: {response.status_code}")
        self.token = self._token("/")

    def _token(self, path: str) -> str:
        page = self.client.get(path, name="token " + path)
        found = _CSRF.search(page.text)
        return found.group(1) if found else ""

    def page(self, path: str, expected: str, *, name: str | None = None, **kwargs) -> str:
        """GET (or POST with data=) a page, failing unless it is 200 and shows `expected`."""
        method = self.client.post if "data" in kwargs else self.client.get
        with method(path, name=name or path, catch_response=True, **kwargs) as response:
            if response.status_code != 200 or expected not in response.text:
                response.failure(f"{response.status_code}, {expected!r} missing")
            return response.text


class Officer(Journey):
    """A KAA case officer: the worklist, the register, a person, a search."""

    weight = 40
    username = "kaa"

    @task(3)
    def worklist(self):
        self.page("/att-gora/", "Att göra")

    @task(2)
    def worklist_everyone(self):
        self.page("/att-gora/?vy=alla", "Att göra", name="/att-gora/?vy=alla")

    @task(3)
    def register(self):
        self.page("/ungdomar/", "KAA-registret")

    @task(1)
    def register_filtered(self):
        district = random.choice(DATA["districts"])
        path = f"/ungdomar/?district_id={district}"
        self.page(path, "KAA-registret", name="/ungdomar/?district_id")

    @task(4)
    def person(self):
        youth_id, name = random.choice(DATA["people"])
        self.page(f"/ungdomar/{youth_id}", name, name="/ungdomar/<id>")

    @task(2)
    def search(self):
        _youth_id, name = random.choice(DATA["people"])
        form = {"csrf_token": self.token, "status": "aktiv", "search": name}
        self.page("/ungdomar/sok", name.split()[-1], data=form)


class School(Journey):
    """School staff: the report page, a dropout report about a new student, its receipt."""

    weight = 6
    username = "skola"

    @task
    def report_a_dropout(self):
        self.page("/skola/anmalan", "Anmälan till KAA")
        self.page("/skola/anmalan/studieavbrott", "Studieavbrott")
        n = next(_STUDENTS)
        form = {
            "csrf_token": self.token,
            **DATA["dropout"],
            "engangskod": f"load-{os.getpid()}-{n}-{random.random()}",
            "personnummer": DATA["students"][n % len(DATA["students"])],
        }
        with self.client.post(
            "/skola/anmalan/studieavbrott",
            data=form,
            name="/skola/anmalan/studieavbrott POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 303:
                response.failure(f"submit: {response.status_code}")
                return
            receipt = response.headers["Location"]
        self.page(receipt, "Kvitto på anmälan", name="/skola/anmalningar/<id>")


class Manager(Journey):
    """A manager (chef) on the pages there are for one: the start page, the register, meetings."""

    weight = 4
    username = "chef"

    @task(2)
    def start_page(self):
        self.page("/", "Välkommen")

    @task(2)
    def register(self):
        self.page("/ungdomar/", "KAA-registret")

    @task(1)
    def meetings(self):
        self.page("/samverkan", "Samverkansgrupper")
