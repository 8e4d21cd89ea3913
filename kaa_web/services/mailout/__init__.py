"""The term-start mail-out: preview the letters due, make the files, then record them as sent.

Three steps. The preview (`preview`) shows who gets which letter at which address and who is
left out and why. "Skapa utskick" stores a `mailout_job` that a job worker makes the files
for (`runs`, `files`): who is included or left out first (`mailout_person` rows), then one .docx per
document type, each committed as it is stored so the job page (`job_page`) can show the
progress. Nothing is recorded on anyone's ladder then: only when the officer confirms that the
letters were printed and posted (`posting`) does each person get a "brev skickat" contact and
their next step move on — a file that was never posted must not count as an outreach attempt.
A single letter from a person's page is `letter`.
"""

from kaa_web.services.mailout.files import pdf_available
from kaa_web.services.mailout.job_page import get_mailout_job, list_mailout_jobs
from kaa_web.services.mailout.letter import Visit, generate_letter
from kaa_web.services.mailout.posting import cancel_mailout, confirm_mailout
from kaa_web.services.mailout.preview import MAX_PEOPLE, preview_mailout
from kaa_web.services.mailout.runs import TASK, run_mailout_job, start_mailout

__all__ = [
    "MAX_PEOPLE",
    "TASK",
    "Visit",
    "cancel_mailout",
    "confirm_mailout",
    "generate_letter",
    "get_mailout_job",
    "list_mailout_jobs",
    "pdf_available",
    "preview_mailout",
    "run_mailout_job",
    "start_mailout",
]
