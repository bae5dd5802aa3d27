"""The baseline: a bare Playwright loop at the same concurrency that only does goto + body text
(+ a screenshot of the first page) for each account's pages, over the same replay HAR.
Input: a JSON list, one list of URLs an account. Prints JSON: {"seconds": ..., "pages": ...}."""

from __future__ import annotations

import asyncio
import json
import sys
import time

from playwright.async_api import async_playwright

from auditor.collect.browser import LAUNCH_ARGS, find_chromium


async def main(har: str, urls: list[list[str]], concurrency: int) -> None:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=find_chromium(None, p.chromium.executable_path),
                                          args=LAUNCH_ARGS)
        gate = asyncio.Semaphore(concurrency)

        async def one(account_urls: list[str]) -> int:
            async with gate:
                context = await browser.new_context(viewport={"width": 1280, "height": 900})
                await context.route_from_har(har, not_found="abort")
                page = await context.new_page()
                chars = 0
                try:
                    for i, url in enumerate(account_urls):
                        try:
                            await page.goto(url, wait_until="load", timeout=30_000)
                            chars += len(await page.inner_text("body"))
                            if i == 0:
                                await page.screenshot(type="jpeg", quality=70)
                        except Exception:  # noqa: BLE001 - a baseline counts pages, it does not judge them
                            pass
                    return chars
                finally:
                    await context.close()

        t0 = time.perf_counter()
        await asyncio.gather(*(one(u) for u in urls))
        seconds = time.perf_counter() - t0
        await browser.close()
    print(json.dumps({"seconds": seconds, "pages": sum(len(u) for u in urls)}))


if __name__ == "__main__":
    har_path, urls_file, conc = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(urls_file, encoding="utf-8") as fh:
        asyncio.run(main(har_path, json.load(fh), conc))
