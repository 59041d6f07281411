"""Calendar feeds: each user's personal, revocable iCalendar address of the deadlines and
dates they may see."""
