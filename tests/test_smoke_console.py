from storage.database import Database
from tests.harness import ConsoleBot


async def test_setup_then_members_listed(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    out = await bot.say(
        """
:admin anna
@anna: /setup Klima-Allianz
@anna: /member add Kleve
@anna: /members
"""
    )
    assert out[0].startswith("[main] bot: Die Partnerschaft Klima-Allianz ist gegründet.")
    assert "1. Kleve" in out[-1]
