"""The definitions of issue 2, checked on the examples it gives and on boundary cases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from warmline import DataFileError, analyze
from warmline._analyzer import explain
from warmline._data import Fillers, Words, load_other_fillers, other_fillers, word_lists
from warmline._text import WORD, prepare

BARE = [
    "Hey there 👋",
    "Guten Morgen!",
    "heyyy",
    "u online?",
    "around??",
    "have a minute?",
    "one question for you",
    "mind if I ask something?",
    "hello, how's your week going?",
    "Hey! How are you? Hope you had a lovely weekend, and that the new flat is treating you well!",
    "can we hop on a call?",
    "???",
    "following up on this",
    "did you see my message?",
    "could I pick your brain over coffee?",
    "hope all is well with you!",
    "<@U024BE7LH>",
    "Hi Priya,\ngot a sec?",
]
NOT_BARE = [
    "hey, quick q about the build: is main still red?",
    "Hi!\nIs the 3pm review still on?",
    "Thanks for the review yesterday, the fixture tip saved me an hour.",
    "The staging database resets at 6pm tonight, heads up.",
    "free for 10 minutes to go over the launch checklist?",
    "Following up on the venue quote from Tuesday: did finance approve it?",
    "Could I pick your brain about moving from QA into backend roles?",
    "ok",
]


@pytest.mark.parametrize("text", BARE)
def test_bare_pings(text: str) -> None:
    assert analyze(text).bare_ping is True


@pytest.mark.parametrize("text", NOT_BARE)
def test_not_bare(text: str) -> None:
    assert analyze(text).bare_ping is False


@pytest.mark.parametrize(
    ("text", "ask"),
    [
        ("Hi! I see you're a senior engineer at Stripe. Could you refer me?", "transactional"),
        ("I loved your work at Acme! Could you introduce me to your hiring manager?",
         "transactional"),
        ("long time no see!! btw could you get me an interview?", "transactional"),
        ("Hi Dana, could you review my 80-page thesis by Friday?", "transactional"),
        ("Your talk on flaky tests changed how we run CI: we quarantined them and cut reruns "
         "by half. How did you decide the quarantine threshold?", "genuine"),
        ("Your talk on flaky tests changed how we run CI: we quarantined them and cut reruns "
         "by half. I'm applying to your team; would you be open to referring me?", "mixed"),
        ("I fixed the typo in your README, happy to send a PR if that's useful.", "genuine"),
        ("Hey, is the staging deploy still blocked?", "none"),
        ("Thanks for covering my shift!", "none"),
        ("Hello!", "none"),
    ],
)
def test_ask_kind(text: str, ask: str) -> None:
    assert analyze(text).ask == ask


def test_named_but_not_engaged_is_not_specific_interest() -> None:
    named = "Hi Aisha, loved your talk at KubeCon! Would you be willing to refer me?"
    engaged = (
        "Hi Aisha, your KubeCon talk on rolling back StatefulSets changed how we upgrade: we "
        "copied your snapshot step. Would you be willing to refer me?"
    )
    assert analyze(named).ask == "transactional"
    assert analyze(engaged).ask == "mixed"


def test_check_in_feedback_says_what_to_do() -> None:
    report = analyze("hope all is well with you!")
    (finding,) = [f for f in report.findings if f.rule_id == "ping.check-in"]
    assert finding.suggestion and "say it now" in finding.suggestion
    assert "no reply is needed" in finding.suggestion


def test_spans_index_the_original_text() -> None:
    text = "Hi Sam,\n\nNeed the numbers ASAP!!! Could you refer me? No worries if not."
    report = analyze(text)
    assert report.findings
    for f in report.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert f.excerpt == text[f.start : f.end]
    assert [(f.start, -f.end) for f in report.findings] == sorted(
        (f.start, -f.end) for f in report.findings
    )


def test_missing_things_span_the_whole_message() -> None:
    text = "  Hello!  "
    report = analyze(text)
    whole = [f for f in report.findings if f.rule_id in ("request.missing", "request.no-context")]
    assert len(whole) == 2
    assert all((f.start, f.end) == (0, len(text)) for f in whole)


def test_positive_findings_tell_what_is_good() -> None:
    report = analyze(
        "Hi Ines, I used your accessible-charts trick on our dashboards and a blind colleague "
        "could read them for the first time. Did you test it with NVDA too? No worries if not."
    )
    assert {"good.specific-reference", "good.real-question", "good.easy-decline"} <= {
        f.rule_id for f in report.strengths
    }
    assert report.ask == "genuine"


# --- Markdown and chat markup -----------------------------------------------------------------


def test_quoted_lines_are_not_the_senders_words() -> None:
    assert analyze("> Hello!\n\nThe fix is in the config flag `retries`.").bare_ping is False
    quoted_ask = "> could you refer me for the role?\n\nNo, that's the recruiter's job."
    assert analyze(quoted_ask).ask == "none"


def test_code_is_not_judged() -> None:
    text = "The error says:\n\n```\nURGENT!!! refer me ASAP\n```\n\nDoes the build need a cache?"
    report = analyze(text)
    assert report.ask == "none"
    assert not [f for f in report.findings if f.rule_id == "time.pressure"]
    inline = analyze("Is `hello` the right greeting string for the test fixture?")
    assert inline.bare_ping is False


def test_slack_markup_and_urls_do_not_confuse_it() -> None:
    assert analyze("<@U024BE7LH> :wave:").bare_ping is True
    assert analyze("*hey* <@U024BE7LH> :wave: _around?_").bare_ping is True
    shared = (
        "hey <@U07QWERTY1>, saw your PR to `polars` adding the streaming groupby. I benchmarked "
        "it on our 40 GB files and it went from OOM to 3 min. Is the ordered path expected to "
        "load everything? https://example.org/x?y=1"
    )
    report = analyze(shared)
    assert report.bare_ping is False
    assert report.ask == "genuine"
    for f in report.findings:
        assert f.excerpt == shared[f.start : f.end]


def test_url_alone_is_not_a_greeting() -> None:
    assert analyze("https://example.org/hello").bare_ping is False


def test_html_tags_are_not_words() -> None:
    report = analyze("<script>alert(1)</script> hey priya, got a sec?")
    assert report.bare_ping is True
    assert analyze('<img src=x onerror="alert(1)"> hi').bare_ping is True


def test_rather_not_is_an_easy_way_out() -> None:
    report = analyze(
        "Could you introduce me to your hiring manager? No worries if you'd rather not."
    )
    assert "good.easy-decline" in {f.rule_id for f in report.findings}
    assert "ask.no-easy-out" not in {f.rule_id for f in report.findings}


# Small talk is judged as a whole: a statement in a chatty message says nothing unless it
# carries something (news, a reason, work to do), whatever words it uses.
SMALL_TALK = (
    "Hi Noor,\n\nHope you had a restful Easter! How was the drive up to your in-laws? Ours was "
    "the usual circus, nine cousins and one bathroom, the dog ate a chocolate bunny and "
    "survived.\n\nBest,\nLiam"
)


def test_small_talk_of_any_length_is_a_bare_ping() -> None:
    report = analyze(SMALL_TALK)
    assert report.bare_ping is True
    assert report.ask == "none"  # asking after their in-laws is not interest in their work
    assert "ping.check-in" in {f.rule_id for f in report.findings}
    assert "ping.follow-up" not in {f.rule_id for f in report.findings}  # "drive up" is no bump


@pytest.mark.parametrize(
    "carried",
    [
        "Just a reminder that the quarterly figures are due Friday.",
        "I've attached the signed lease for your records.",
        "Walked past the old bakery on Elm Road and thought of you.",
        "Could you send me the slides from Tuesday?",
    ],
)
def test_small_talk_that_carries_something_is_not_bare(carried: str) -> None:
    text = SMALL_TALK.replace("\n\nBest,", f" {carried}\n\nBest,")
    assert analyze(text).bare_ping is False


def test_a_question_about_life_is_small_talk_but_a_plan_is_not() -> None:
    assert analyze("Hey! did you survive the heatwave??").bare_ping is True
    assert analyze("Hey! are you still up for the hike on Saturday?").bare_ping is False


def test_a_title_and_a_name_are_not_a_topic() -> None:
    assert analyze("Ms. Okonjo are you free?").bare_ping is True
    assert analyze("Hello again Dr. Varga, just bumping this 🙂").bare_ping is True
    assert analyze("Tomasz?").bare_ping is True


def test_work_described_where_it_is_named_is_specific_interest() -> None:
    described = (
        "Hi Ines, your bus-stop redesign for the Ribeira line, with the timetable printed at "
        "wheelchair height, is the first I've seen done properly. Could you refer me for the "
        "junior designer opening?"
    )
    named = (
        "Hi Ines, I loved your bus-stop redesign! Could you refer me for the junior designer "
        "opening?"
    )
    assert analyze(described).ask == "mixed"
    assert analyze(named).ask == "transactional"


def test_a_task_between_colleagues_is_not_work_of_theirs() -> None:
    text = (
        "Morning! The test cluster was wiped at 7:00, so rebuild your fixtures before you run "
        "the suite."
    )
    assert analyze(text).ask == "none"


def test_word_lists_hold_the_forms_people_write() -> None:
    lists = word_lists()
    assert "surfing" in lists["life"] and "trips" in lists["life"]
    forms = Words(["party", "run", "live"])
    assert [w for w in ("parties", "running", "living", "lived", "rung") if w in forms] == [
        "parties", "running", "living", "lived"
    ]
    assert "parties" not in Fillers(["party"]) and "partying" in Fillers(["party"])
    assert "youuu" in lists["filler"] and "week's" in lists["filler"]
    assert "hands" not in lists["filler"]  # a filler's plural may be a topic: "the all-hands"
    assert "ooo" not in lists["filler"]  # "OOO" (out of office) is not a long "o"
    assert "pager" not in lists["filler"]


def test_stretched_and_inflected_small_talk_is_still_small_talk() -> None:
    assert analyze("Hiii 😘 how are youuu? miss you!!").bare_ping is True
    assert analyze("hey stranger! how's life in Lisbon? still surfing every weekend?").bare_ping
    assert analyze("OOO tomorrow (dentist), back Thursday.").bare_ping is False


def test_life_news_is_not_small_talk() -> None:
    text = "call me when u can, mum's flight got moved to 6am and someone needs to drive her"
    assert analyze(text).bare_ping is False


def test_since_we_last_spoke_is_no_reason() -> None:
    text = (
        "Hi Ahmed, I hope you're doing great! It's been a while since we connected. Let me know "
        "when you have some time to catch up."
    )
    assert analyze(text).bare_ping is True
    assert analyze("Can you merge it today, since the release is tomorrow?").bare_ping is False


def test_their_life_in_small_talk_is_not_their_work() -> None:
    text = (
        "Heyy Priya!! it's been forever, I just saw your wedding pics, you looked stunning 😍 "
        "Btw, is your brother still a partner at that law firm? Could you ask him if they take "
        "summer interns?"
    )
    assert analyze(text).ask == "transactional"
    engaged = "saw your marathon on Strava 🏃 3:28!! that negative split is wild, how did you pace?"
    assert analyze(engaged).ask == "genuine"  # no small talk: a result of theirs, engaged with


def test_size_of_a_favor_is_measured_not_assumed() -> None:
    small = "Can you review PR #1382 before tomorrow's release cut? It's about 40 lines."
    big = "Could you review my 4,000-line refactor before Friday?"
    assert analyze(small).ask == "none"
    assert analyze(big).ask == "transactional"
    assert analyze("happy to share that we closed the Northwind deal yesterday!").ask == "none"


@pytest.mark.parametrize(
    "text",
    [
        "?? is the release tonight or tomorrow",  # a question without its question mark
        "Morning all! standup moved to 10:15 today",  # when something happens is news
        "urgent!! need the Q2 numbers by EOD",  # "Q2" is one word, and a topic
        "ARE U COMING TO TRAINING OR NOT",
    ],
)
def test_short_messages_that_name_their_topic(text: str) -> None:
    assert analyze(text).bare_ping is False


def test_would_love_is_not_a_question() -> None:
    text = "hii! could we do a coffee chat? would really love some advice from someone senior"
    assert analyze(text).bare_ping is True


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("Hallo Jonas, hast du kurz Zeit?", True),
        ("Hallo Jonas, ist der Server-Umzug auf Freitag verschoben?", False),
        ("Bonjour Léa, tu es dispo pour un appel demain ?", True),
        ("Bonjour Léa, la facture 4471 est-elle payée ?", False),
        ("Oi Ana, tudo bem com você?", True),
        ("Oi Ana, o contrato do aluguel já foi assinado?", False),
        ("Merhaba Ayşe, müsait misin?", True),
        ("Merhaba Ayşe, fatura ödendi mi?", False),
    ],
)
def test_words_of_other_languages_that_name_no_topic(text: str, bare: bool) -> None:
    assert analyze(text).bare_ping is bare


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("নমস্কার দাদা, কেমন আছেন?", ["নমস্কার", "দাদা", "কেমন", "আছেন"]),
        ("नमस्ते सर, कैसे हैं?", ["नमस्ते", "सर", "कैसे", "हैं"]),
        ("வணக்கம் அண்ணா", ["வணக்கம்", "அண்ணா"]),
    ],
)
def test_vowel_signs_stay_inside_their_words(text: str, words: list[str]) -> None:
    assert WORD.findall(text) == words


@pytest.mark.parametrize("text", ["নমস্কার দাদা, কেমন আছেন?", "สวัสดีครับพี่"])
def test_greetings_in_scripts_with_vowel_signs_are_bare(text: str) -> None:
    assert analyze(text).bare_ping is True


def test_other_language_fillers_apply_to_other_languages_only() -> None:
    assert "na" in other_fillers()  # German "na", Tagalog "na"
    assert "NA" in explain("Hey Sam, are the NA region servers down?")["content_words"]
    assert explain("Servus Sam! Na, wie läuft es?")["content_words"] == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("", "must be a mapping"), ("de: [1, 2]\n", "must be a string of words"),
     ("de: 'a\n", "not valid YAML")],
)
def test_bad_other_language_word_file(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "words-languages.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=fragment):
        load_other_fillers(path)


def test_who_the_sender_is_says_nothing_of_what_they_want() -> None:
    assert analyze("Hi! I'm Jordan, a sophomore at State studying computer science.").bare_ping
    news = "Hey, it's Carla — the final walkthrough moved to 4pm Thursday, the sellers confirmed."
    assert analyze(news).bare_ping is False
    task = "Hi, I'm Sara from accounting, the March invoices are missing their PO numbers."
    assert analyze(task).bare_ping is False


def test_small_talk_question_after_a_dash_and_an_abbreviation() -> None:
    text = "Hope your trip to Japan was amazing — did you get to see Mt. Fuji?"
    assert analyze(text).bare_ping is True


@pytest.mark.parametrize(
    "text",
    ["¿Viste mi mensaje?", "Hast du meine Nachricht gesehen?", "Tu as vu mon message ?",
     "Hai visto il mio messaggio?", "Heb je mijn bericht gezien?"],
)
def test_re_pings_in_other_languages(text: str) -> None:
    assert analyze(text).bare_ping is True


def test_a_bump_under_its_quoted_request_carries_it() -> None:
    assert analyze("> can you send the slides from Tuesday's workshop?\n\nbump").bare_ping is False
    assert analyze("> hey, are you around?\n\nbump").bare_ping is True  # quotes a bare ping
    assert analyze("> can you send the slides from Tuesday's workshop?").bare_ping is False


@pytest.mark.parametrize(
    "text", ["Merry Christmas to you and the family!", "Feliz Año Nuevo a toda la familia!! 🎆"]
)
def test_holiday_wishes_alone_are_small_talk(text: str) -> None:
    assert analyze(text).bare_ping is True


def test_running_late_is_news() -> None:
    assert analyze("running 10 min late, start without me").bare_ping is False


@pytest.mark.parametrize("text", ["prod is back up.", "Thursday works for me."])
def test_news_and_answers_that_ask_for_nothing_are_not_pings(text: str) -> None:
    assert analyze(text).bare_ping is False


def test_a_neighbour_saying_who_she_is_asks_no_favor() -> None:
    assert analyze("Hi Mrs. Kowalski, it's Emma from next door. Could you give me a ring?").ask == (
        "none"
    )
    seeker = "Hi Dr. Chen, I'm a current student in your old program. Could we hop on a call?"
    assert analyze(seeker).ask == "transactional"


@pytest.mark.parametrize(
    "text",
    [
        "Hi team,\n\nJust checking in, hope everyone's doing well!\n\nCheers,\nMark Ellis\n"
        "Head of Client Services\nBrightpath Media\nT: +1 212 555 0143 | M: +1 917 555 0188\n"
        "www.brightpath.example",
        "Hi Jordan,\n\nHope you're well.\n\n--\nMaya Levin | Customer Success Manager\n"
        "Acme Analytics · <https://acme.example|acme.example>",
    ],
)
def test_a_signature_names_no_topic(text: str) -> None:
    assert analyze(text).bare_ping is True


@pytest.mark.parametrize(
    "text",
    [
        "Hi Jordan,\n\nHope you're well.\n\nCheers,\nMaya\nP.S. the Q3 invoice went out today",
        "Hi Jordan,\n\nHope you're well.\n\nThanks,\nMaya\nis the Q3 invoice paid?",
    ],
)
def test_a_postscript_or_a_question_under_the_closing_is_not_signature(text: str) -> None:
    assert analyze(text).bare_ping is False


def test_an_emoji_before_a_capital_letter_ends_a_sentence() -> None:
    prepared = prepare("It's been ages since college 😄 How are things? loved it 😄 so much")
    assert [prepared.judged[s:e] for s, e in prepared.sentences()] == [
        "It's been ages since college 😄", "How are things?", "loved it 😄 so much"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Namaste didi 🙏 how are you and jiju?",
        "Heyyy how's my favourite sister doing? 💕",
        "Long time!! Hope you and Leo are doing great ❤️",
        "Hey Sam! It's been ages since college 😄 How are things?",
    ],
)
def test_asking_after_their_family_is_small_talk(text: str) -> None:
    assert analyze(text).bare_ping is True


def test_asking_after_them_and_their_team_at_work_is_not() -> None:
    assert analyze("how are you and the team handling the billing migration?").bare_ping is False


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("is this still Dana's number?", True),
        ("is this still Dana's number? the school needs her for Friday's pickup", False),
        ("anyone at the help desk?", True),
        ("anyone at the help desk know why badge readers reject new cards?", False),
        ("u on call tonight?", True),
        ("did my email from Monday get through?", True),
        ("resending this in case it got buried", True),
        ("resending the signed lease in case the first scan got lost", False),
        ("is this channel still monitored?", True),
    ],
)
def test_presence_checks_and_re_pings_about_the_channel(text: str, bare: bool) -> None:
    assert analyze(text).bare_ping is bare


@pytest.mark.parametrize(
    "text",
    [
        "Hi Dr. Osei, as a renowned economist at the IMF I'm sure you're busy, but I'd love to "
        "connect and chat sometime!",
        "Hi Tomas, as a fellow Chilean in design I'd love to hop on a call when you're free",
        "Hello Ms. Park, I really admire your leadership at Nestlé. Could we schedule a 30-minute "
        "call so I can learn from your experience?",
    ],
)
def test_status_and_flattery_are_no_topic_for_a_call(text: str) -> None:
    report = analyze(text)
    assert (report.bare_ping, report.ask) == (True, "transactional")


def test_an_apostrophe_re_is_no_topic_marker() -> None:
    # "we're both in tech" once read as "re: both in tech".
    assert analyze("Saw we're both in tech. Mind if we hop on a call?").bare_ping is True
    assert analyze("anyone around for the raid tonight? we're one healer short").bare_ping is False


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("Dear Ms. Lund,\n\nAs a recent graduate of Aalto University with a degree in chemistry, I "
         "would be honored to speak with you. Would you be available for a 30-minute call?", True),
        ("Respected Sir, I am a 2021 passout from NIT Trichy, same hostel as you. Kindly spare 10 "
         "minutes for a call.", True),
        ("Hi Aisha, would you be open to a 15-minute mentoring call sometime?", True),
        ("Would love to learn from your experience over a virtual coffee!", True),
        ("Can you jump on a 30-minute call to map out my career plan?", False),
        ("I'm applying for PhD programs this fall. Would you be willing to connect me with your "
         "former colleagues there?", False),
    ],
)
def test_who_the_sender_is_and_what_they_hope_for_is_no_topic_for_a_call(
    text: str, bare: bool
) -> None:
    assert analyze(text).bare_ping is bare


def test_happy_to_be_here_is_no_offer() -> None:
    report = analyze("Hello everyone! Happy to be here. How is everyone doing today?")
    assert (report.bare_ping, report.ask) == (True, "none")
    assert analyze("happy to be of help with the migration if you need hands").ask == "genuine"


@pytest.mark.parametrize(
    "text",
    [
        "Hi Raj! Saw on the speaker list that you're VP Sales at a fintech. Any chance we could "
        "grab 15 minutes at the summit tomorrow?",
        "Hi Ms. Hall, this is Leo, Ana Ruiz's nephew. Aunt Ana said you're a big deal at Airbus. "
        "When's a good time to call?",
        "Hi Mark! I'm one of the new analysts. I know you're super busy as COO but would love "
        "15 min on your calendar whenever works",
        "yo, you're the staff engineer at Canva right? can i dm you for some advice sometime",
        "Hello, Priya gave me your number, said you're senior at Stripe. Got time for a call?",
    ],
)
def test_a_call_asked_for_on_who_is_who(text: str) -> None:
    report = analyze(text)
    assert (report.bare_ping, report.ask) == (True, "transactional")


def test_a_signature_after_a_dash_with_a_role() -> None:
    assert analyze("Hi Paul, could we grab 30 min on Thursday?\n– Anna, Ops").bare_ping is True
    assert analyze("Hi Jess, I know you're super busy, but could we hop on a call?").ask == "none"


@pytest.mark.parametrize(
    "text",
    [
        "Hi Omar, I see you were CTO at Careem. Could you give me 30 minutes of advice on our "
        "hiring plan for the Cairo office?",
        "Hey Lin, I see you've been a staff engineer for 8 years. Could you do a mock system "
        "design interview with me on Sunday?",
        "Dear Dr. Roy, as a tax expert, could you check whether I can deduct my home office?",
        "Hi! I'm a chemistry undergrad and see that you run a lab at ETH. Do you have a paid "
        "research assistant position available this summer?",
    ],
)
def test_a_favor_asked_for_on_the_reader_s_title(text: str) -> None:
    assert analyze(text).ask == "transactional"


@pytest.mark.parametrize(
    ("text", "ask"),
    [
        ("Hi Aunty, could you ask your friend at the passport office to speed up my renewal?",
         "transactional"),
        ("Hey! Could you share my bakery's opening post with your followers?", "transactional"),
        ("Could you ask your manager whether the Friday deploy for our release is still on?",
         "none"),
    ],
)
def test_a_favor_through_the_reader_s_people(text: str, ask: str) -> None:
    assert analyze(text).ask == ask


@pytest.mark.parametrize(
    ("text", "bare", "ask"),
    [
        ("Olá Pedro! Sou estudante de engenharia e vi que você é gerente no Bradesco. Poderia me "
         "conceder alguns minutos para uma conversa?", True, "transactional"),
        ("Hola Marta, vi que llevas 6 años en Repsol. ¿Tendrías 20 minutos para una llamada la "
         "próxima semana?", True, "transactional"),
        ("Ciao Paolo, ho visto che sei Head of Sales da Barilla. Ti andrebbe una chiacchierata di "
         "15 minuti?", True, "transactional"),
        ("Salut tout le monde, ça va ?", True, "none"),
        ("Oi, tudo bem? Posso te pedir uma ajuda?", True, "none"),
    ],
)
def test_cold_requests_and_openers_in_other_languages(text: str, bare: bool, ask: str) -> None:
    report = analyze(text)
    assert (report.bare_ping, report.ask) == (bare, ask)


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("Ahoj, jak se máš? Díky za ten skript na export faktur, dneska mi ušetřil dvě hodiny.",
         False),
        ("Oi Rafa! Saudades! Vi a foto do casamento, parabéns! Não precisa responder.", False),
        ("Hi Frank! Hope you're great. We got back from Portugal and the kids ate pastéis de nata "
         "all week. How was your summer?", True),
    ],
)
def test_small_talk_and_news_in_other_languages(text: str, bare: bool) -> None:
    assert analyze(text).bare_ping is bare


def test_two_letters_do_not_make_a_line_another_language() -> None:
    from warmline._analyzer import _other_language_lines

    assert _other_language_lines("we're prototyping cells for our eu region, the ui is done") == []
    assert _other_language_lines("ciao! come va?") != []


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("Hi Ana, I'm a PhD student in Leeds and would be so grateful for a short informational "
         "interview whenever suits you.", True),
        ("Hey! I noticed we have 9 mutual connections. Would be great to hop on a call and see how "
         "we can help each other!", True),
        ("Hello madam, I am fresher and you are very senior in industry. Please guide me.", True),
        ("Dear Mr. Ito, I have long admired your distinguished career and your rise to partner. "
         "Might you spare thirty minutes for a coffee at a time of your choosing?", True),
        ("Hey! Heard you're at Bain now, would love to catch up on a call and hear about it", True),
        ("Hi! I see we're both Rutgers alums. Would love to hop on a call and pick your brain!",
         True),
        ("Hi Alex, we're both Rutgers alums. Would you mind connecting me with someone on the "
         "recruiting team at Google?", False),
    ],
)
def test_cold_requests_for_time_name_no_topic(text: str, bare: bool) -> None:
    report = analyze(text)
    assert (report.bare_ping, report.ask) == (bare, "transactional")


@pytest.mark.parametrize(
    "text",
    [
        "Hey Ama! Big fan of your journey from teacher to Staff PM at Shopify. Would be amazing to "
        "connect and chat sometime!",
        "Hi Noor, you seem to know everyone in edtech. Could we hop on a call sometime?",
        "Hi Lars, I've seen that you're Head of Sales at Klarna. Would you have some time to talk?",
        "Hi Ben, you are one of the top voices in fintech on LinkedIn. It would mean a lot if you "
        "could spare me 15 minutes.",
        "Hello Ms. Roy, I attended your keynote at Web Summit and I found it very inspiring. May I "
        "request a short meeting to get your advice?",
    ],
)
def test_more_calls_asked_for_on_who_is_who(text: str) -> None:
    report = analyze(text)
    assert (report.bare_ping, report.ask) == (True, "transactional")


def test_finding_a_talk_inspiring_is_no_engagement_but_finding_a_bug_is() -> None:
    spans = explain("we found your retry patch cut our p99 by half")["signals"]
    assert "engagement" in spans
    assert "engagement" not in explain("I found it very inspiring.")["signals"]


@pytest.mark.parametrize(
    ("text", "ask"),
    [
        ("Hi Ms. Bose, as one of the few women CTOs in the industry, you are a true role model. "
         "Would you be willing to meet with me for a short conversation?", "transactional"),
        ("Hey Omar! You've got such a cool job at Riot 🎮 Would love to chat sometime if you're "
         "free!", "transactional"),
        ("Dear Mr. Park, I was given your name by Ms. Lee, who speaks very highly of you. I would "
         "be grateful for the opportunity to meet for coffee.", "transactional"),
        ("Hi Ana, Tom Diaz mentioned you two worked together at PwC. I'd really value 20 minutes "
         "of your time whenever works for you.", "transactional"),
        ("Hey folks, long-time lurker, finally made an account! 👋", "none"),
        ("Dear Ms. Vogel,\n\nI would like to kindly remind you about my previous email.\n\nKind "
         "regards,\nAyla", "none"),
        ("Hi Dev,\n\nWanted to reconnect! How have things been since you left the agency?", "none"),
        ("Saw something that reminded me of you 😄", "none"),
    ],
)
def test_bare_pings_of_the_first_set_s_kinds(text: str, ask: str) -> None:
    report = analyze(text)
    assert (report.bare_ping, report.ask) == (True, ask)


def test_something_named_that_reminded_me_of_you_is_content() -> None:
    assert analyze("Saw a kiln for sale in Leeds that reminded me of you!").bare_ping is False


@pytest.mark.parametrize(
    "text",
    [
        "Hi Dana, hope you're doing well! It's been a while since the Lisbon meetup. Would love "
        "to catch up sometime.",
        "Hi Sam,\n\nIt feels like ages since the Porto offsite! I hope the move went smoothly.\n\n"
        "Love,\nDeb",
        "Hi Patrice, I hope the quarter-end rush has calmed down a bit. I know how busy this time "
        "of year is. Whenever you have a moment, I would be grateful for a reply.",
    ],
)
def test_long_catch_ups_with_nothing_asked(text: str) -> None:
    assert analyze(text).bare_ping is True


def test_it_has_been_a_while_since_with_news_is_content() -> None:
    text = "It's been a while since the Lisbon meetup. We shipped the kiln controller last week!"
    assert analyze(text).bare_ping is False


@pytest.mark.parametrize(
    ("text", "ask"),
    [
        ("Hi Wei, Jason Park suggested I reach out to you. Are you open to a quick chat next week?",
         "transactional"),
        ("hey <@U07QWE123> saw in #intros that you're a staff eng at Stripe, could I grab 20 min "
         "of your time sometime?", "transactional"),
        ("Hi Anton, my cousin Yara mentioned you're at Goldman. Would you be up for a chat when "
         "you're free?", "transactional"),
        ("Hi Pat, we crossed paths at Web Summit last week. You seem super well connected, would "
         "love to chat sometime!", "transactional"),
        ("Hi, it's your landlord Malcolm. Please call me when convenient.", "none"),
        ("Dear Mr. Osei, I am writing to follow up on my email of 3 March, to which I have not yet "
         "received a reply.", "none"),
        ("Hi Aurelie, great chatting at the Paris Product Summit! Let's keep in touch 🙂", "none"),
    ],
)
def test_bare_pings_of_the_first_set_s_kinds_more(text: str, ask: str) -> None:
    report = analyze(text)
    assert (report.bare_ping, report.ask) == (True, ask)


@pytest.mark.parametrize(
    "text",
    [
        "Hi Pia 👋 Senior Staff at Atlassian is a huge achievement! Would love to hop on a call "
        "and learn from you.",
        "Hi Chloe,\n\nYou're a well-known UX researcher with a big following. Would you be up for "
        "a chat sometime?",
        "Hi Noah, I saw you spoke at the AI Summit. Would you be open to a brief chat?",
    ],
)
def test_who_is_who_in_names_and_standing_is_no_topic_for_a_call(text: str) -> None:
    report = analyze(text)
    assert (report.bare_ping, report.ask) == (True, "transactional")


COLD_NOTES = Path(__file__).parent / "data" / "cold-notes.yaml"


def _cold_notes() -> list[dict[str, object]]:
    cases = yaml.safe_load(COLD_NOTES.read_text(encoding="utf-8"))
    assert isinstance(cases, list) and cases
    return cases


@pytest.mark.parametrize("case", _cold_notes(), ids=lambda case: str(case["why"]))
def test_cold_notes_asking_for_time(case: dict[str, object]) -> None:
    """Who is who around a request for time names no topic; something at stake does (the cases
    are in tests/data/cold-notes.yaml)."""
    assert "bare_ping" in case or "ask" in case, case
    report = analyze(str(case["text"]))
    if "bare_ping" in case:
        assert report.bare_ping is case["bare_ping"]
    if "ask" in case:
        assert report.ask == case["ask"]



@pytest.mark.parametrize(
    "text",
    [
        "Hi Lena, I saw your migration guide for Postgres partitions. Could we hop on a call?",
        "Hi Carmen,\n\nCould we set up a call next week?\n\nThanks,\nDmitri",
    ],
)
def test_a_topic_in_lower_case_words_or_no_statement_at_all(text: str) -> None:
    report = analyze(text)
    assert report.ask != "transactional"


def test_a_concrete_favor_in_a_message_that_asks_for_time_is_its_topic() -> None:
    text = ("Can any senior devs here who work at FAANG DM me? I need someone to look over my "
            "resume and refer me. Will be quick!")
    report = analyze(text)
    assert (report.bare_ping, report.ask) == (False, "transactional")


@pytest.mark.parametrize(
    "text",
    [
        "ur the top contributor in this server, mind if i pick ur brain sometime?",
        "Hi Dana! Heard you just got promoted to principal, congrats 🎉 can I get on your calendar "
        "for some mentoring time?",
        "Hi Kate, everyone I talk to says you're the person to know in Nordic design. Would you be "
        "up for a quick virtual coffee?",
    ],
)
def test_standing_said_in_other_words(text: str) -> None:
    report = analyze(text)
    assert (report.bare_ping, report.ask) == (True, "transactional")
