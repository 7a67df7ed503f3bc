"""Texts shared by the knowledge library's tests (importable from any test: tests/ is on the path)."""


def recommendation_texts(**overrides):
    texts = {
        "en": {"title": "Transfer businesses to their workers", "text": "Member organisations should support…"},
        "fr": {"title": "Transmettre les entreprises à leurs salariés", "text": "Les organisations membres…"},
        "es": {"title": "Transmitir las empresas a sus trabajadores", "text": "Las organizaciones miembros…"},
    }
    texts.update(overrides)
    return texts
