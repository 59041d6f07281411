"""A feed's events as an iCalendar file (RFC 5545), written by the icalendar library."""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vDuration

from exchange.feeds.events import FeedEvent

PRODUCT_ID = "-//exchange//calendar feed//EN"
# Asks calendar apps to fetch again after this long (RFC 7986 and the older X- name).
REFRESH_INTERVAL = timedelta(hours=6)


def calendar_file(
    name: str,
    events: Iterable[FeedEvent],
    now: datetime,
    link_of: Callable[[str], str],
) -> bytes:
    """The feed named ``name``; ``link_of(code)`` is the address of an application's page."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("summary", item.summary)
        # All-day events: DTEND is the day after the last, as RFC 5545 has it.
        event.add("dtstart", item.starts_on)
        event.add("dtend", item.ends_on + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        description = item.description
        if item.application_code:
            link = link_of(item.application_code)
            event.add("url", link)
            description = f"{description}\n{link}".strip()
        if description:
            event.add("description", description)
        calendar.add_component(event)
    return calendar.to_ical()
