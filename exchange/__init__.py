"""exchange: the clinical (SCOPE) and research (SCORE) exchanges of a federation of
medical students' associations.

This file is a docstring only, so that importing a pure core (``exchange.clock``,
``exchange.applications.states``, ``exchange.matching.engine``) never loads Flask or
SQLAlchemy. The web application is built by ``exchange.app.create_app``.
"""
