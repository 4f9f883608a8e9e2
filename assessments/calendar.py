"""iCalendar (RFC 5545) invitations for interview panels, written by ``icalendar``.

One event per interview with a stable UID, so a reschedule (a higher SEQUENCE,
METHOD:REQUEST) updates the panelist's calendar entry and a cancellation
(METHOD:CANCEL, STATUS:CANCELLED) removes it, as RFC 5546 (iTIP) describes.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vCalAddress, vText

METHOD_REQUEST = "REQUEST"
METHOD_CANCEL = "CANCEL"


def interview_uid(interview_id: int, base_url: str) -> str:
    host = urlsplit(base_url).hostname or "criba.invalid"
    return f"interview-{interview_id}@{host}"


def interview_calendar(
    *,
    interview_id: int,
    base_url: str,
    summary: str,
    description: str,
    location: str,
    starts_at: datetime,
    ends_at: datetime,
    sequence: int,
    organizer_email: str,
    attendee_email: str,
    attendee_name: str,
    method: str,
    now: datetime,
) -> bytes:
    """The .ics body for one panelist: the interview as a single VEVENT."""
    if method not in (METHOD_REQUEST, METHOD_CANCEL):
        raise ValueError(f"unsupported iTIP method {method!r}")
    calendar = Calendar()
    calendar.add("prodid", "-//Criba//Structured interviews//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", interview_uid(interview_id, base_url))
    event.add("dtstamp", now)
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("sequence", sequence)
    event.add("summary", summary)
    event.add("description", description)
    if location:
        event.add("location", location)
    event.add("status", "CANCELLED" if method == METHOD_CANCEL else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = vText("Criba")
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["cn"] = vText(attendee_name or attendee_email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("NEEDS-ACTION")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical()
