"""Cleaning what people type into forms and spreadsheets. Pure Python."""

MAX_LANGUAGE = 40  # characters in a language's name


def clean_languages(values) -> list[str]:
    """Trimmed, non-empty, each once (first spelling wins), in the order given."""
    seen: set[str] = set()
    cleaned = []
    for value in values:
        language = " ".join(str(value).split())
        if language and language.casefold() not in seen:
            seen.add(language.casefold())
            cleaned.append(language)
    return cleaned
