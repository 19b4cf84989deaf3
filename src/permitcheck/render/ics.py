"""`permitcheck agenda --format ics`: an iCalendar (RFC 5545) file, one all-day event per day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from permitcheck import __version__
from permitcheck.agenda import AgendaView, Entry
from permitcheck.findings import RenderOptions
from permitcheck.i18n import say, t
from permitcheck.render.agenda import applicant, days_left, marks, source, uid

_CALENDAR = t("permitcheck agenda", "permitcheck 日程")
_REMINDER = t("{summary}: {when}", "{summary}：{when}")
_DOSSIER = t("Dossier: {path}", "档案：{path}")
_APPLICANT = t("Applicant: {who}", "申请人：{who}")
_WHAT_TO_DO = t("What to do: {fix}", "处理建议：{fix}")
_QUOTE = t("{cited}: “{quote}”", "{cited}：“{quote}”")
_AS_OF = t(
    "Worked out by permitcheck {version} on {day}; run `permitcheck agenda` again after any "
    "change to the dossier.",
    "由 permitcheck {version} 于 {day} 计算；档案有任何变动后请重新运行 `permitcheck agenda`。",
)
# The epoch SEQUENCE counts days from: a later run's event is a newer revision of the same UID,
# which calendar programs that compare SEQUENCE (Outlook) take as an update.
_EPOCH = date(2020, 1, 1)


def render(view: AgendaView, options: RenderOptions) -> str:
    """The calendar as text (CRLF line ends, lines folded at 75 octets, as RFC 5545 requires).

    Every event is an all-day event on its day (a deadline not known yet: over every day it
    may fall on, marked TENTATIVE), with a reminder `view.remind_days` before it, its UID made
    of its dossier and what it is, so that importing the file again updates each event; the
    stamp is the agenda's day, never the clock, so that the same run gives the same bytes."""
    from icalendar import Alarm, Calendar
    from icalendar import Event as CalendarEvent

    lang = options.lang
    calendar = Calendar()
    calendar.add("prodid", f"-//permitcheck//permitcheck {__version__}//{lang.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _CALENDAR.get(lang))
    stamp = datetime.combine(view.day, time(0, 0), tzinfo=timezone.utc)
    for entry in view.entries:
        event = entry.event
        summary = _summary(entry, options)
        item = CalendarEvent()
        item.add("uid", uid(entry))
        item.add("dtstamp", stamp)
        item.add("sequence", max((view.day - _EPOCH).days, 0))
        item.add("dtstart", event.day)
        # All day: DTEND is the day after the last (RFC 5545 3.6.1, exclusive end).
        item.add("dtend", (event.latest or event.day) + timedelta(days=1))
        item.add("summary", summary)
        item.add("description", _description(entry, options, view.day))
        item.add("status", "TENTATIVE" if event.tentative else "CONFIRMED")
        item.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        item.add("categories", ["permitcheck", event.kind])
        if event.state != "closed":  # no reminder of a day gone by
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", timedelta(days=-view.remind_days))
            when = days_left(view.remind_days, lang)
            alarm.add("description", say(_REMINDER, lang, summary=summary, when=when))
            item.add_component(alarm)
        calendar.add_component(item)
    written: bytes = calendar.to_ical()
    return written.decode("utf-8")


def _summary(entry: Entry, options: RenderOptions) -> str:
    """`Maria Keller: Submit by …`, with what the day needs said first (overdue, tentative)."""
    lang = options.lang
    said = marks(entry, lang)
    head = f"[{', '.join(said)}] " if said else ""
    return f"{head}{entry.dossier.applicant}: {entry.event.label.get(lang)}"


def _description(entry: Entry, options: RenderOptions, day: date) -> str:
    lang, event = options.lang, entry.event
    lines = [event.label.get(lang)]
    lines += marks(entry, lang, spelled_out=True)
    lines.append(say(_DOSSIER, lang, path=entry.dossier.path))
    lines.append(say(_APPLICANT, lang, who=applicant(entry, options)))
    if event.fix is not None:
        lines.append(say(_WHAT_TO_DO, lang, fix=event.fix.get(lang)))
    cited = source(entry, lang)
    if cited:
        lines.append(cited)
    for ref in dict.fromkeys(event.sources):
        lines.append(say(_QUOTE, lang, cited=ref.cite(lang), quote=ref.quote_in(lang)))
    lines.append(say(_AS_OF, lang, version=__version__, day=day.isoformat()))
    return "\n".join(lines)
