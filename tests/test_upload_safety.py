"""Issue 8 item 5: every upload goes through ``xcu_bases.uploads.check_upload``.

For every upload URL of the application an .exe renamed .pdf, an HTML page behind a PNG
signature, a 60 MB file and a ``../../x.pdf`` name are posted as the user who may upload
there: the first three are refused with a Chinese message and leave no row and no file; the
path is stored under a generated name inside MEDIA_ROOT and shown as ``x.pdf``. Every
download is an attachment with an RFC 6266 file name, ``nosniff``, and a 404 for a user of
another college.
"""

import ast
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test.client import encode_multipart
from django.urls import reverse
from PIL import Image

from agreements.choices import RenewalState as RenS
from agreements.models import (
    Agreement,
    AgreementTemplate,
    Base,
    ExchangeMeeting,
    FundingEntry,
    Renewal,
)
from applications.choices import ApplicationState as AS
from applications.forms import AgreementDraftForm
from applications.models import ApplicationAttachment, InspectionPhoto, SiteInspection
from evaluation import services as eval_services
from evaluation.choices import RoundKind
from evaluation.models import EvidenceAttachment
from practice import record_services
from practice.choices import RequestState as RS
from practice.models import BaseSupervisor, PracticeRequest, PublicationClearance
from tests.agreements import renewal_factories
from tests.applications import factories as app_factories
from tests.conftest import make_student, make_user
from tests.practice import factories as practice_factories
from xcu_bases import services as people_services
from xcu_bases.choices import RoleCode as R
from xcu_bases.models import User
from xcu_bases.uploads import check_upload

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
APPS = ["applications", "agreements", "practice", "evaluation", "xcu_bases"]

TINY_PDF = app_factories.TINY_PDF
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
HTML_IN_PNG = b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"
SIXTY_MB = 60 * 1024 * 1024
RAW_BOUNDARY = "XcuRawBoundary"


def image_bytes(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (30, 120, 60)).save(buffer, image_format)
    return buffer.getvalue()


PNG = image_bytes("PNG")


def media_files() -> set[str]:
    root = Path(django_settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def big_upload(name: str, head: bytes) -> TemporaryUploadedFile:
    """A 60 MB file on disk (a valid header, then zeros) without 60 MB in memory twice."""
    upload = TemporaryUploadedFile(name, "application/pdf", SIXTY_MB, "utf-8")
    upload.write(head)
    upload.seek(SIXTY_MB - 1)
    upload.write(b"\0")
    upload.seek(0)
    return upload


# --- the people and the objects every upload page needs ------------------------------------


def make_people(college_a, college_b) -> dict:
    """Everyone the upload pages (and tests/test_forms_hypothesis.py) need, by role."""
    tutor_a = make_user("tutor_a", R.CAMPUS_SUPERVISOR, college=college_a, name="张明华")
    found = {
        "office": make_user("office", R.GRADUATE_OFFICE, name="罗晓梅"),
        "legal": make_user("legal", R.LEGAL_OFFICE, name="何志刚"),
        "secretary_a": make_user("secretary_a", R.COLLEGE_SECRETARY, college=college_a),
        "head_a": make_user("head_a", R.COLLEGE_HEAD, college=college_a, name="李明华"),
        "secretary_b": make_user("secretary_b", R.COLLEGE_SECRETARY, college=college_b),
        "head_b": make_user("head_b", R.COLLEGE_HEAD, college=college_b),
        "expert1": make_user("expert1", R.EXPERT, name="赵国庆"),
        "expert2": make_user("expert2", R.EXPERT, name="孙晓燕"),
        "tutor_a": tutor_a,
    }
    profile = make_student("student_a", college_a, supervisor=tutor_a, number="2024095101")
    people_services.student_set_coursework(
        profile=profile, completed=True, by=found["secretary_a"], comment="依据成绩单确认。"
    )
    found["student_a"] = User.objects.get(pk=profile.user_id)
    return found


@pytest.fixture
def people(college_a, college_b):
    return make_people(college_a, college_b)


class World:
    """Builds, on demand, the objects of one upload page (each test needs only a few)."""

    def __init__(self, people, college_a):
        self.people = people
        self.college_a = college_a
        self._cache = {}

    def _once(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def app(self, state=AS.DRAFT):
        def make():
            app = app_factories.complete_application(self.people["secretary_a"])
            return app_factories.advance_to(app, state, self.people)

        return self._once(("app", state), make)

    def base(self):
        return self._once(
            "base", lambda: practice_factories.active_base(self.college_a, self.people["office"])
        )

    def renewal(self, state):
        def make():
            renewal = renewal_factories.file_renewal(self.base(), self.people["secretary_a"])
            return renewal_factories.advance(renewal, state, self.people)

        return self._once(("renewal", state), make)

    def supervisor(self):
        return self._once(
            "supervisor",
            lambda: practice_factories.certified_supervisor(self.base(), self.people),
        )

    def request(self, state=RS.DRAFT):
        def make():
            req = practice_factories.complete_request(
                self.people["student_a"], self.base(), self.supervisor()
            )
            return practice_factories.advance_to(req, state, self.people)

        return self._once(("request", state), make)

    def clearance(self):
        def make():
            req = self.request(RS.APPROVED)
            clearance = record_services.clearance_ask(
                req=req,
                by=self.people["student_a"],
                data={"use": "paper", "title": "苦荞黄酮", "venue": "学报", "content": "数据"},
            )
            mentor = User.objects.get(pk=self.supervisor().user_id)
            return record_services.clearance_answer(
                clearance=clearance, by=mentor, confidential=True, answer="涉密。"
            )

        return self._once("clearance", make)

    def evaluation(self):
        def make():
            standard = eval_services.standard_create(year=2026, by=self.people["office"])
            evaluation_round = eval_services.round_open(
                year=2026, kind=RoundKind.YEARLY, standard=standard,
                deadline=date(2026, 12, 20), bases=[self.base()], by=self.people["office"],
            )  # fmt: skip
            return evaluation_round.evaluations.get()

        return self._once("evaluation", make)

    def leaf(self):
        return self.evaluation().round.standard.indicators.get(code="B1")


@pytest.fixture
def world(people, college_a):
    return World(people, college_a)


def seen(app):
    return {"seen_state": app.state, "seen_round": app.round}


@dataclass
class Target:
    """One upload page: who posts, where, which field, and what a stored file looks like."""

    user: str
    url: Callable[[World], str]
    field: Callable[[World], str]
    data: Callable[[World], dict]
    footprint: Callable[[World], object]  # rows and stored names: unchanged after a refusal
    stored: Callable[[World], tuple]  # (FieldFile, display name) of the file just uploaded
    download: Callable[[World], str] | None = None
    image: bool = False  # only JPG/PNG accepted
    extras: dict = field(default_factory=dict)


def _att(w):
    return ApplicationAttachment.objects.latest("pk")  # the complete application has its own


def _draft_doc(w):
    return w.app().agreement_draft.__class__.objects.get(pk=w.app().agreement_draft.pk)


def _agreement_fields(w) -> dict:
    """The Annex 1 agreement part as the page shows it: the file goes with a valid form."""
    form = AgreementDraftForm(instance=w.app().agreement_draft, prefix="agreement")
    return {form.add_prefix(k): v for k, v in form.initial.items() if k in form.fields and v}


def _req(state):
    return lambda w: PracticeRequest.objects.get(pk=w.request(state).pk)


def _clearance(w):
    return PublicationClearance.objects.get(pk=w.clearance().pk)


TARGETS = {
    "annex1-evidence": Target(
        user="secretary_a",
        url=lambda w: reverse("applications:edit", args=[w.app().pk]),
        field=lambda w: "evidence-files",
        data=lambda w: {},
        footprint=lambda w: ApplicationAttachment.objects.count(),
        stored=lambda w: (_att(w).file, _att(w).original_name),
        download=lambda w: reverse("applications:attachment", args=[w.app().pk, _att(w).pk]),
    ),
    "annex1-agreement-draft": Target(
        user="secretary_a",
        url=lambda w: reverse("applications:edit", args=[w.app().pk]),
        field=lambda w: "agreement-document_upload",
        data=_agreement_fields,
        footprint=lambda w: (_draft_doc(w).document.name, _draft_doc(w).document_name),
        stored=lambda w: (_draft_doc(w).document, _draft_doc(w).document_name),
        download=lambda w: reverse("applications:agreement_document", args=[w.app().pk]),
    ),
    "annex1-inspection-photos": Target(
        user="office",
        url=lambda w: reverse("applications:inspection", args=[w.app(AS.OFFICE_REVIEW).pk]),
        field=lambda w: "photos",
        data=lambda w: {
            "inspected_on": "2026-03-10",
            "inspectors": "罗晓梅",
            "findings": "条件良好。",
            "safety_qualification_checked": "on",
            "emergency_plan_checked": "on",
            **seen(w.app(AS.OFFICE_REVIEW)),
        },
        footprint=lambda w: (InspectionPhoto.objects.count(), SiteInspection.objects.count()),
        stored=lambda w: (
            InspectionPhoto.objects.get().image,
            InspectionPhoto.objects.get().original_name,
        ),
        download=lambda w: reverse(
            "applications:inspection_photo",
            args=[w.app(AS.OFFICE_REVIEW).pk, InspectionPhoto.objects.get().pk],
        ),
        image=True,
    ),
    "annex1-sign": Target(
        user="office",
        url=lambda w: reverse("applications:sign", args=[w.app(AS.APPROVED).pk]),
        field=lambda w: "scan",
        data=lambda w: {
            "signed_on": "2026-05-01",
            "starts_on": "2026-05-01",
            **seen(w.app(AS.APPROVED)),
        },
        footprint=lambda w: (Base.objects.count(), Agreement.objects.count()),
        stored=lambda w: (
            Agreement.objects.latest("pk").scan,
            Agreement.objects.latest("pk").scan_name,
        ),
        download=lambda w: reverse("applications:agreement_scan", args=[w.app(AS.APPROVED).pk]),
    ),
    "agreement-template": Target(
        user="office",
        url=lambda w: reverse("agreements:templates"),
        field=lambda w: "document",
        data=lambda w: {"note": "第一版"},
        footprint=lambda w: AgreementTemplate.objects.count(),
        stored=lambda w: (
            AgreementTemplate.objects.get().document,
            AgreementTemplate.objects.get().original_name,
        ),
        download=lambda w: reverse(
            "agreements:template_download", args=[AgreementTemplate.objects.get().pk]
        ),
    ),
    "base-meeting": Target(
        user="secretary_a",
        url=lambda w: reverse("agreements:meeting_add", args=[w.base().pk]),
        field=lambda w: "upload",
        data=lambda w: {
            "held_on": "2026-03-01",
            "kind": "exchange",
            "title": "交流会",
            "participants": "甲",
            "minutes": "纪要",
        },
        footprint=lambda w: ExchangeMeeting.objects.count(),
        stored=lambda w: (
            ExchangeMeeting.objects.get().file,
            ExchangeMeeting.objects.get().file_name,
        ),
        download=lambda w: reverse(
            "agreements:evidence", args=[w.base().pk, "meeting", ExchangeMeeting.objects.get().pk]
        ),
    ),
    "base-spending": Target(
        user="secretary_a",
        url=lambda w: reverse("agreements:spending_add", args=[w.base().pk]),
        field=lambda w: "upload",
        data=lambda w: {"entry_date": "2026-03-01", "amount": "100", "description": "保险"},
        footprint=lambda w: FundingEntry.objects.count(),
        stored=lambda w: (
            FundingEntry.objects.latest("pk").file,
            FundingEntry.objects.latest("pk").file_name,
        ),
        download=lambda w: reverse(
            "agreements:evidence",
            args=[w.base().pk, "funding", FundingEntry.objects.latest("pk").pk],
        ),
    ),
    "renewal-draft": Target(
        user="secretary_a",
        url=lambda w: reverse("agreements:renewal_new", args=[w.base().pk]),
        field=lambda w: "document",
        data=lambda w: {"starts_on": "2031-01-01", "ends_on": "2035-12-31", "summary": "续签"},
        footprint=lambda w: Renewal.objects.count(),
        stored=lambda w: (Renewal.objects.get().document, Renewal.objects.get().document_name),
        download=lambda w: reverse("agreements:renewal_document", args=[Renewal.objects.get().pk]),
    ),
    "renewal-scan": Target(
        user="office",
        url=lambda w: reverse("agreements:renewal_sign", args=[w.renewal(RenS.APPROVED).pk]),
        field=lambda w: "scan",
        data=lambda w: {
            **seen(w.renewal(RenS.APPROVED)),
            "signed_on": "2029-12-01",
            "starts_on": w.renewal(RenS.APPROVED).starts_on.isoformat(),
            "ends_on": w.renewal(RenS.APPROVED).ends_on.isoformat(),
        },
        footprint=lambda w: Agreement.objects.count(),
        stored=lambda w: (
            Agreement.objects.latest("pk").scan,
            Agreement.objects.latest("pk").scan_name,
        ),
        download=lambda w: reverse(
            "agreements:agreement_scan", args=[w.base().pk, Agreement.objects.latest("pk").pk]
        ),
    ),
    "base-import": Target(
        user="office",
        url=lambda w: reverse("agreements:base_import"),
        field=lambda w: "workbook",
        data=lambda w: {},
        footprint=lambda w: Base.objects.count(),
        stored=lambda w: (None, None),
    ),
    "annex2-insurance": Target(
        user="student_a",
        url=lambda w: reverse("practice:request_edit", args=[w.request().pk]),
        field=lambda w: "insurance_upload",
        data=lambda w: {"tasks-TOTAL_FORMS": "0", "tasks-INITIAL_FORMS": "0"},
        footprint=lambda w: _req(RS.DRAFT)(w).insurance_scan.name,
        stored=lambda w: (_req(RS.DRAFT)(w).insurance_scan, _req(RS.DRAFT)(w).insurance_scan_name),
        download=lambda w: reverse("practice:request_insurance", args=[w.request().pk]),
    ),
    "supervisor-cv": Target(
        user="secretary_a",
        url=lambda w: reverse("practice:supervisor_nominate", args=[w.base().pk]),
        field=lambda w: "cv",
        data=lambda w: dict(practice_factories.SUPERVISOR),
        footprint=lambda w: BaseSupervisor.objects.count(),
        stored=lambda w: (BaseSupervisor.objects.get().cv, BaseSupervisor.objects.get().cv_name),
        download=lambda w: reverse(
            "practice:supervisor_file", args=[BaseSupervisor.objects.get().pk, "cv"]
        ),
    ),
    "thesis": Target(
        user="student_a",
        url=lambda w: reverse("practice:thesis_upload", args=[w.request(RS.APPROVED).pk]),
        field=lambda w: "file",
        data=lambda w: {},
        footprint=lambda w: _req(RS.APPROVED)(w).thesis.name,
        stored=lambda w: (_req(RS.APPROVED)(w).thesis, _req(RS.APPROVED)(w).thesis_name),
        download=lambda w: reverse("practice:thesis_file", args=[w.request(RS.APPROVED).pk]),
    ),
    "clearance-agreement": Target(
        user="secretary_a",
        url=lambda w: reverse("practice:clearance_agreement", args=[w.clearance().pk]),
        field=lambda w: "file",
        data=lambda w: {},
        footprint=lambda w: _clearance(w).agreement_scan.name,
        stored=lambda w: (_clearance(w).agreement_scan, _clearance(w).agreement_scan_name),
        download=lambda w: reverse("practice:clearance_agreement_file", args=[w.clearance().pk]),
    ),
    "annex4-evidence": Target(
        user="secretary_a",
        url=lambda w: reverse("evaluation:evaluation_evidence", args=[w.evaluation().pk]),
        field=lambda w: f"files-{w.leaf().pk}",
        data=lambda w: {},
        footprint=lambda w: EvidenceAttachment.objects.count(),
        stored=lambda w: (
            EvidenceAttachment.objects.get().file,
            EvidenceAttachment.objects.get().original_name,
        ),
        download=lambda w: reverse(
            "evaluation:attachment", args=[w.evaluation().pk, EvidenceAttachment.objects.get().pk]
        ),
    ),
}

# The supervisor nomination also takes an optional evidence file (checked the same way).
TARGETS["supervisor-evidence"] = Target(
    **{
        **TARGETS["supervisor-cv"].__dict__,
        "field": lambda w: "evidence",
        "data": lambda w: {
            **practice_factories.SUPERVISOR,
            "cv": SimpleUploadedFile("简历.pdf", TINY_PDF),
        },
        "stored": lambda w: (
            BaseSupervisor.objects.get().evidence,
            BaseSupervisor.objects.get().evidence_name,
        ),
        "download": lambda w: reverse(
            "practice:supervisor_file", args=[BaseSupervisor.objects.get().pk, "evidence"]
        ),
    }
)


def refusals(target: Target):
    """(what, upload, words the page must show)."""
    ext = ".xlsx" if target is TARGETS["base-import"] else ".pdf"
    return [
        ("exe renamed", lambda: SimpleUploadedFile(f"setup{ext}", EXE), "内容不是允许的类型"),
        ("html behind a png header", lambda: SimpleUploadedFile("照片.png", HTML_IN_PNG),
         "内容不是允许的类型"),
        ("60 MB", lambda: big_upload(f"大文件{ext}", b"%PDF-1.4\n"), "的上限"),
    ]  # fmt: skip


def post(client, target: Target, w: World, upload, *, raw_name: str | None = None):
    """POST the page's form with ``upload`` in its file field, following the redirect.

    ``raw_name`` is written into the multipart body as is: the test client itself would
    strip a path from the name, a browser (or an attacker) does not.
    """
    data = {**target.data(w), target.field(w): upload}
    if raw_name is None:
        return client.post(target.url(w), data, follow=True)
    body = encode_multipart(RAW_BOUNDARY, data)
    placeholder = f'filename="{upload.name}"'.encode()
    assert body.count(placeholder) == 1
    body = body.replace(placeholder, f'filename="{raw_name}"'.encode())
    content_type = f"multipart/form-data; boundary={RAW_BOUNDARY}"
    return client.post(target.url(w), body, content_type=content_type, follow=True)


# --- every entry point uses the one validator ----------------------------------------------


def _source_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_every_upload_entry_point_calls_check_upload():
    """Every module that takes files from a request or a form also calls check_upload, and
    every model FileField stores under a GeneratedName (never the uploaded name)."""
    takes_files = re.compile(r"request\.FILES|forms\.FileField\(|MultipleFileField\(")
    checked_modules = set()
    for path in _source_files():
        text = path.read_text()
        if "check_upload(" in text:
            checked_modules.add(path.relative_to(ROOT).as_posix())
        for node in ast.walk(ast.parse(text)):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) == "FileField"
                and path.name.endswith("models.py")  # models.py, renewal_models.py
            ):
                upload_to = {k.arg: k.value for k in node.keywords}.get("upload_to")
                assert upload_to is not None, f"{path}:{node.lineno} FileField without upload_to"
                assert getattr(upload_to.func, "id", "") == "GeneratedName", (
                    f"{path}:{node.lineno} stores files under another name"
                )
    # The modules with file fields or request.FILES, and where their files are checked.
    expected = {
        "applications/views.py": "applications/services.py",
        "applications/forms.py": "applications/services.py",
        "agreements/views.py": "agreements/services.py",
        "agreements/forms.py": "agreements/services.py",
        "agreements/io_views.py": "agreements/io_views.py",
        "agreements/renewal_views.py": "agreements/renewals.py",
        "agreements/renewal_forms.py": "agreements/renewals.py",
        "practice/views.py": "practice/services.py",
        "practice/forms.py": "practice/forms.py",
        "practice/supervisor_views.py": "practice/services.py",
        "practice/supervisor_forms.py": "practice/services.py",
        "practice/record_views.py": "practice/record_services.py",
        "practice/record_forms.py": "practice/record_forms.py",
        "evaluation/views.py": "evaluation/services.py",
        "xcu_bases/forms.py": None,  # MultipleFileField itself; its users are listed above
    }
    found = {
        path.relative_to(ROOT).as_posix()
        for path in _source_files()
        if takes_files.search(path.read_text())
    }
    assert found == set(expected), "a new upload entry point: add it here and to TARGETS"
    for module, checker in expected.items():
        assert checker is None or checker in checked_modules, module
    # Every view that stores an upload is covered by a TARGET below.
    assert len(TARGETS) == 16


def test_check_upload_refuses_forged_headers_and_accepts_real_files():
    for name, content in [
        ("a.png", HTML_IN_PNG),
        ("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
        ("a.jpg", b"\xff\xd8\xff\xe0<html><script>alert(1)</script>"),
        ("a.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>"),  # a header, no document
        ("a.pdf", EXE),
    ]:
        with pytest.raises(Exception, match="内容不是允许的类型") as refused:
            check_upload(SimpleUploadedFile(name, content))
        assert refused.value.code == "bad_type"
    for name, content, label in [
        ("a.png", PNG, "PNG"),
        ("a.jpg", image_bytes("JPEG"), "JPG"),
        ("a.pdf", TINY_PDF, "PDF"),
        ("a.pdf", TINY_PDF + b"\r\n\0\0", "PDF"),  # trailing bytes after %%EOF are tolerated
    ]:
        upload = SimpleUploadedFile(name, content)
        assert check_upload(upload).label == label
        assert upload.tell() == 0  # the file is rewound for storage


# --- refused uploads -----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(TARGETS))
def test_upload_refused_with_a_message_leaving_no_row_and_no_file(name, world, client):
    target = TARGETS[name]
    client.force_login(world.people[target.user])
    target.url(world), target.data(world)  # the objects of the page exist before the snapshot
    before = (target.footprint(world), media_files())
    for what, make, words in refusals(target):
        response = post(client, target, world, make())
        assert response.status_code == 200, what
        page = response.content.decode()
        assert words in page, f"{name}: {what}: no message"
        assert (target.footprint(world), media_files()) == before, f"{name}: {what}: left a trace"


# --- a path in the name --------------------------------------------------------------------


@pytest.mark.parametrize("raw_name", ["../../x.pdf", "..\\..\\x.pdf", "/etc/x.pdf"])
@pytest.mark.parametrize("name", [n for n in TARGETS if n != "base-import"])
def test_path_in_the_name_is_stored_under_a_generated_name(name, raw_name, world, client):
    target = TARGETS[name]
    client.force_login(world.people[target.user])
    target.url(world), target.data(world)
    before = media_files()
    ext = ".png" if target.image else ".pdf"
    raw_name = raw_name.replace(".pdf", ext)
    upload = SimpleUploadedFile(f"placeholder{ext}", PNG if target.image else TINY_PDF)
    response = post(client, target, world, upload, raw_name=raw_name)
    assert response.status_code == 200
    stored, display = target.stored(world)
    assert display == f"x{ext}"
    assert re.fullmatch(rf"[a-z0-9/-]+/[0-9a-f]{{32}}\{ext}", stored.name), stored.name
    media = Path(django_settings.MEDIA_ROOT).resolve()
    assert Path(stored.path).resolve().is_relative_to(media)
    new = media_files() - before  # (a supervisor nomination stores the CV beside the evidence)
    assert stored.name in new
    assert all(re.fullmatch(r"[a-z0-9/-]+/[0-9a-f]{32}\.[a-z]+", n) for n in new), new
    assert not (media.parent / f"x{ext}").exists() and not Path(f"/etc/x{ext}").exists()


# --- downloads -----------------------------------------------------------------------------

DOWNLOADABLE = [n for n, t in TARGETS.items() if t.download]

# agreements/README.md: "agreement scans, evidence files, funding ledger … graduate office and
# college staff" (every college: the base registry is school-wide); the office's model
# agreement is for every college too. Students of another college still get a 404.
COLLEGE_STAFF_SEE_ALL = {"agreement-template", "base-meeting", "base-spending", "renewal-scan"}


@pytest.mark.parametrize("name", DOWNLOADABLE)
def test_download_is_an_attachment_with_an_rfc6266_name_and_permission_checked(
    name, world, client, college_b
):
    target = TARGETS[name]
    client.force_login(world.people[target.user])
    ext = ".png" if target.image else ".pdf"
    filename = f"证明材料 “第1版”{ext}"
    content = PNG if target.image else TINY_PDF
    response = post(client, target, world, SimpleUploadedFile(filename, content))
    assert response.status_code == 200
    _, display = target.stored(world)
    assert display == filename
    url = target.download(world)

    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote(filename)}" in disposition.lower().replace(
        quote(filename).lower(), quote(filename)
    )
    assert "\n" not in disposition and '"' not in disposition.split("filename*=")[1]
    assert response["X-Content-Type-Options"] == "nosniff"

    # Someone of another college (and a student of it) never gets the file.
    outsider = make_user("outsider_b", R.COLLEGE_SECRETARY, college=college_b)
    student_b = make_student("student_b", college_b, number="2024095299").user
    for user in (outsider, student_b):
        client.force_login(user)
        status = client.get(url).status_code
        if name in COLLEGE_STAFF_SEE_ALL and user is outsider:
            assert status == 200, name  # by design, see COLLEGE_STAFF_SEE_ALL
        else:
            assert status == 404, (name, user.username)
    client.logout()
    assert client.get(url).status_code == 302  # anonymous → login
