"""nbgrader configuration for the warmline workbook (the course root is this folder).

nbgrader reads this file only from the folder it runs in, so run stock nbgrader commands here
(``cd autograder && nbgrader ...``). The ``warmline`` commands run nbgrader here for you, from
any folder. See README.md beside this file.
"""

import glob
import os

c = get_config()  # noqa: F821 (nbgrader defines get_config when it reads this file)

HERE = os.path.dirname(os.path.abspath(__file__))
# The instructor versions of the assignments (solutions, hidden tests, mark schemes) live in
# ../exercises, under version control; nbgrader accepts an absolute source folder.
EXERCISES = os.path.normpath(os.path.join(HERE, os.pardir, "exercises"))

c.CourseDirectory.root = HERE
c.CourseDirectory.course_id = "warmline"
c.CourseDirectory.source_directory = EXERCISES

# Running a notebook: a workbook runs in a few seconds; a stuck kernel is stopped, not waited on.
c.ExecutePreprocessor.timeout = 60
c.ExecutePreprocessor.startup_timeout = 60

# Learners' answers live in warmline-answers.json beside each notebook. Before autograding,
# nbgrader copies every other file of the source assignment over the learner's files, so an
# answers file (or its lock, backups and temporary files) left in exercises/ would replace every
# learner's answers: never copy those. (`warmline release` also refuses to run while one is
# there, because nbgrader would hand it out to every learner too.)
ANSWERS = "warmline-answers.json"


def _answer_files(folder):
    names = {ANSWERS, ANSWERS + ".lock"}
    for pattern in (ANSWERS + ".*", "." + ANSWERS + ".*"):
        for path in glob.glob(os.path.join(folder, "**", pattern), recursive=True):
            names.add(os.path.relpath(path, folder))
    return sorted(names)


c.Autograde.exclude_overwriting = {
    name: _answer_files(os.path.join(EXERCISES, name))
    for name in sorted(os.listdir(EXERCISES)) if os.path.isdir(os.path.join(EXERCISES, name))
} if os.path.isdir(EXERCISES) else {}

# Feedback for learners: nbgrader shows hidden tests (and mark schemes of task cells) in its
# feedback pages by default. Remove both, for `nbgrader generate_feedback` and formgrader alike.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# Workshops without JupyterHub: learners hand in the zip made by `warmline submit-zip`
# (warmline-submission--<assignment>--<id>.zip, holding the notebook and its answers file).
# Put the zips in downloaded/<assignment>/archive/ and run `nbgrader zip_collect <assignment>`.
c.FileNameCollectorPlugin.named_regexp = (
    r"^.*warmline-submission--(?P<assignment>[A-Za-z0-9._@+]+(?:-[A-Za-z0-9._@+]+)*)"
    r"--(?P<student_id>[A-Za-z0-9._@+]+(?:-[A-Za-z0-9._@+]+)*)[/\\](?P<file_id>[^/\\]+)$"
)
c.FileNameCollectorPlugin.valid_ext = [".ipynb", ".json"]

# On a shared JupyterHub with nbgrader's exchange, set the exchange folder here, e.g.
# c.Exchange.root = "/srv/nbgrader/exchange"
