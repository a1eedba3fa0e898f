"""The calendar feed's format: RFC 5545 iCalendar, made with the ``icalendar`` library."""
