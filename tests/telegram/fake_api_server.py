"""The fake Telegram Bot API's server plumbing: HTTP, the wire format, injected failures, and
the update methods (getMe, webhooks, long polling of getUpdates)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from typing import Any

from aiohttp import web

from tests.telegram.fake_api_model import ApiError, Call

_STRING_FIELDS = {
    "text",
    "question",
    "caption",
    "parse_mode",
    "url",
    "secret_token",
    "language_code",
    "chat_id",
    "description",
    "callback_query_id",
    "data",
}


class ServerPlumbing:
    """A mixin of `FakeBotAPI`: it serves the Bot API over HTTP and hands out the updates."""

    # -- server -----------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._endpoint)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._file)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def close(self) -> None:
        await self.release_pollers()
        self._released.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def release_pollers(self) -> None:
        """Let every waiting getUpdates return now (before the bot stops polling)."""
        self._closing = True
        async with self.changed:
            self.changed.notify_all()

    async def _file(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _endpoint(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params, files = await self._params(request)
        call = Call(method, params, files)
        self.calls.append(call)
        await self._notify()
        hold = next((h for h in self.holds if h.method == method and h.when(params)), None)
        if hold is not None:
            self.holds.remove(hold)
            call.ok = False
            hold.arrived.set_result(call)
            await self._released.wait()
            return web.json_response({"ok": False, "error_code": 500}, status=500)
        try:
            self._injected_failure(method, params)
            if self.limits is not None:
                self.limits.admit(method, params.get("chat_id"))
            handler = getattr(self, "api_" + method, None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = handler(params, files)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as error:
            call.ok = False
            call.result = error.description
            body: dict[str, Any] = {
                "ok": False,
                "error_code": error.code,
                "description": error.description,
            }
            if error.parameters:
                body["parameters"] = error.parameters
            await self._notify()
            return web.json_response(body, status=error.code)
        call.result = result
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
        files: dict[str, tuple[str, bytes]] = {}
        params: dict[str, Any] = {}
        if request.content_type == "application/json":
            params = dict(await request.json())
            return params, files
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if part.filename is not None:  # type: ignore[union-attr]
                    files[part.name or ""] = (part.filename, bytes(await part.read()))  # type: ignore[union-attr]
                else:
                    params[part.name or ""] = await part.text()  # type: ignore[union-attr]
        else:
            form = await request.post()
            params = {k: v for k, v in form.items() if isinstance(v, str)}
        return {k: self._decode(k, v) for k, v in params.items()}, files

    @staticmethod
    def _decode(key: str, value: Any) -> Any:
        if not isinstance(value, str) or key in _STRING_FIELDS:
            if key == "chat_id" and isinstance(value, str) and re.fullmatch(r"-?\d+", value):
                return int(value)
            return value
        try:
            return json.loads(value)
        except ValueError:
            return value

    def _injected_failure(self, method: str, params: dict[str, Any]) -> None:
        for failure in self.failures:
            if failure.method == method and failure.chat_id in (None, params.get("chat_id")):
                self.failures.remove(failure)
                parameters = {"retry_after": failure.retry_after} if failure.retry_after else None
                raise ApiError(failure.code, failure.description, parameters)

    async def _notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    # -- the Bot API: updates ------------------------------------------------------------

    def api_getMe(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return {
            **self.me,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def api_deleteWebhook(self, params: dict[str, Any], files: Any) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True

    def api_setWebhook(self, params: dict[str, Any], files: Any) -> bool:
        scheme = "http" if self.local else "https"  # telegram-bot-api --local takes http
        if not str(params.get("url", "")).startswith(("https://", f"{scheme}://")):
            raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        self.webhook = params
        self.allowed_updates = params.get("allowed_updates")
        return True

    async def api_getUpdates(self, params: dict[str, Any], files: Any) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = float(params.get("timeout") or 0)
        if "allowed_updates" in params:
            self.allowed_updates = params["allowed_updates"] or None
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

        def ready() -> list[dict[str, Any]]:
            allowed = self.allowed_updates or [
                "message",
                "edited_message",
                "callback_query",
                "my_chat_member",
            ]
            self.updates = [
                u for u in self.updates if any(k in allowed for k in u if k != "update_id")
            ]
            return self.updates[:limit]

        found = ready()
        if found or timeout <= 0 or self._closing:
            return found
        async with self.changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self.changed.wait_for(lambda: bool(ready()) or self._closing), timeout
                )
        return ready()
