#include "ics.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

static struct icaltimetype ical_date(const char *iso)
{
	struct icaltimetype t = icaltime_null_time();
	t.year = (int)strtol(iso, NULL, 10);
	t.month = (int)strtol(iso + 5, NULL, 10);
	t.day = (int)strtol(iso + 8, NULL, 10);
	t.is_date = 1;
	return t;
}

char *ics_write(const struct ics_event *ev, size_t n, const char *stamp, struct bd_error *err)
{
	icalcomponent *cal = icalcomponent_vanew(ICAL_VCALENDAR_COMPONENT, icalproperty_new_version("2.0"),
						 icalproperty_new_prodid("-//bidrag//deadlines//SV"),
						 icalproperty_new_calscale("GREGORIAN"), (void *)0);
	if (!cal) {
		bd_fail(err, "cannot create the calendar");
		return NULL;
	}
	/* DTSTAMP is when the file was made; SEQUENCE grows with it, so a
	 * calendar that imports a newer file updates its entries. */
	(void)stamp;
	time_t now = time(NULL);
	struct icaltimetype dtstamp = icaltime_from_timet_with_zone(now, 0, icaltimezone_get_utc_timezone());
	int sequence = (int)((now - 1577836800) / 60); /* minutes since 2020 */
	for (size_t i = 0; i < n; i++) {
		struct icaltimetype start = ical_date(ev[i].date);
		struct icaltimetype end = start;
		icaltime_adjust(&end, 1, 0, 0, 0);
		icalcomponent *e = icalcomponent_vanew(
			ICAL_VEVENT_COMPONENT, icalproperty_new_uid(ev[i].uid), icalproperty_new_dtstamp(dtstamp),
			icalproperty_new_dtstart(start), icalproperty_new_dtend(end), icalproperty_new_summary(ev[i].summary),
			icalproperty_new_description(ev[i].description), icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT),
			icalproperty_new_sequence(sequence), (void *)0);
		icalcomponent_add_component(cal, e);
	}
	char *s = icalcomponent_as_ical_string_r(cal);
	icalcomponent_free(cal);
	if (!s)
		bd_fail(err, "cannot write the calendar");
	return s;
}
