"""The pure halves of the poll adapters: MSC3381 contents and responses (both names, spoiled
and withdrawn votes), Telegram's limits and `poll_answer` votes (anonymous administrators
vote as the group)."""

from __future__ import annotations

from datetime import UTC, datetime

from nio import Event as NioEvent
from telegram import Chat, Message, PollAnswer, User

from bot.adapters.matrix import polls as matrix_polls
from bot.adapters.telegram import polls as telegram_polls
from bot.adapters.telegram.translate import question_asker
from bot.core.events import Identity, RoomRef
from bot.core.poll_messages import PollMessage
from bot.core.reply import Paragraph, Poll, Reply
from bot.core.reply import PollAnswer as Answer

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TIMES = tuple(Answer(str(n), f"Termin {n}") for n in (1, 2, 3))
START = "$start:example.org"


def matrix_event(kind: str, content: dict[str, object], sender: str = "@anna:ex.org") -> NioEvent:
    return NioEvent.parse_event(
        {
            "type": kind,
            "event_id": "$vote:example.org",
            "sender": sender,
            "origin_server_ts": 1_795_000_000_000,
            "content": content,
        }
    )


RELATES = {"rel_type": "m.reference", "event_id": START}
POSTED = PollMessage(
    RoomRef("matrix", "!r:ex.org"), "datepoll:1", START, START, ("1", "2", "3"), NOW
)


def test_a_response_is_read_in_the_unstable_and_the_stable_name() -> None:
    unstable = matrix_event(
        "org.matrix.msc3381.poll.response",
        {"org.matrix.msc3381.poll.response": {"answers": ["1", "3"]}, "m.relates_to": RELATES},
    )
    stable = matrix_event("m.poll.response", {"m.selections": ["2"], "m.relates_to": RELATES})
    first, second = matrix_polls.response_of(unstable), matrix_polls.response_of(stable)
    assert first is not None and (first.start_id, first.selections) == (START, ("1", "3"))
    assert second is not None and second.selections == ("2",)
    assert matrix_polls.answer_keys(first, POSTED) == ("1", "3")


def test_a_response_without_its_poll_or_with_an_unknown_answer_does_not_count() -> None:
    loose = matrix_event("org.matrix.msc3381.poll.response", {"answers": ["1"]})
    assert matrix_polls.response_of(loose) is None
    text = matrix_event("m.room.message", {"msgtype": "m.text", "body": "1"})
    assert matrix_polls.response_of(text) is None
    spoiled = matrix_polls.response_of(
        matrix_event("m.poll.response", {"m.selections": ["1", "9"], "m.relates_to": RELATES})
    )
    assert spoiled is not None and matrix_polls.answer_keys(spoiled, POSTED) == ()
    twice = matrix_polls.response_of(
        matrix_event("m.poll.response", {"m.selections": ["2", "2"], "m.relates_to": RELATES})
    )
    assert twice is not None and matrix_polls.answer_keys(twice, POSTED) == ("2",)


def test_the_start_event_is_elements_and_a_single_choice_allows_one() -> None:
    poll = Poll("datepoll:1", "Wann?", TIMES, multiple=False)
    content = matrix_polls.start_content(poll, Reply((Paragraph.of("Bitte bis Freitag"),)))
    block = content["org.matrix.msc3381.poll.start"]
    assert block["max_selections"] == 1 and block["kind"] == "org.matrix.msc3381.poll.disclosed"
    assert content["org.matrix.msc1767.text"] == "Bitte bis Freitag" == content["body"]
    bare = matrix_polls.start_content(poll, Reply(()))
    assert bare["body"] == "Wann?\n1. Termin 1\n2. Termin 2\n3. Termin 3"
    assert matrix_polls.poll_fit(Poll("k", "?", TIMES[:1])) == "none"
    many = tuple(Answer(str(n), f"T{n}") for n in range(21))
    assert matrix_polls.poll_fit(Poll("k", "?", many)) == "none"


def test_telegram_shortens_at_a_word_and_tells_equal_shortenings_apart() -> None:
    same = "Di 01.12.2026 10:00 im Sitzungssaal des Kreishauses " * 3
    poll = Poll("k", "Wann? " * 80, (Answer("1", same + "A"), Answer("2", same + "B")))
    shape = telegram_polls.telegram_poll(poll)
    assert shape is not None and shape.cut
    assert len(shape.question) <= 300 and shape.question.endswith("Wann?…")
    assert shape.options[0].startswith("1. Di") and shape.options[1].startswith("2. Di")
    assert all(len(o) <= 100 for o in shape.options) and len(set(shape.options)) == 2
    assert telegram_polls.poll_fit(Poll("k", "Wann?", TIMES)) == "whole"
    assert telegram_polls.poll_fit(Poll("k", "Wann?", TIMES[:1])) == "none"


def test_a_poll_answer_becomes_a_vote_in_the_polls_room() -> None:
    room = RoomRef("telegram", "-100777")
    posted = PollMessage(room, "datepoll:4", "55", "17", ("1", "2", "3"), NOW)
    anna = User(1001, "Anna", False, last_name="Albers")
    vote = telegram_polls.vote_of(
        PollAnswer("55", (2, 0), user=anna, option_persistent_ids=("2", "0")), posted, "Admins"
    )
    assert vote is not None
    assert (vote.room, vote.poll_key, vote.answer_keys) == (room, "datepoll:4", ("1", "3"))
    assert vote.sender.identity == Identity("telegram", "1001")
    withdrawn = telegram_polls.vote_of(
        PollAnswer("55", (), user=anna, option_persistent_ids=()), posted, "Admins"
    )
    assert withdrawn is not None and withdrawn.answer_keys == ()
    group = Chat(-100777, "supergroup", title="Klima")
    anonymous = telegram_polls.vote_of(
        PollAnswer("55", (1,), voter_chat=group, option_persistent_ids=("1",)), posted, "Admins"
    )
    assert anonymous is not None and anonymous.sender.is_room_admin
    assert anonymous.sender.identity == Identity("telegram", "anonymous-admin:-100777")


def test_the_result_under_the_bots_own_poll_asks_nobody_in_particular() -> None:
    chat = Chat(-100777, "supergroup", title="Klima")
    bot = User(123456, "Partnerbot", True)
    poll_message = Message(17, NOW, chat, from_user=bot)
    result = Message(18, NOW, chat, from_user=bot, reply_to_message=poll_message)
    assert question_asker(result) is None
    anna = User(1001, "Anna", False)
    command = Message(19, NOW, chat, from_user=anna)
    question = Message(20, NOW, chat, from_user=bot, reply_to_message=command)
    assert question_asker(question) == Identity("telegram", "1001")
