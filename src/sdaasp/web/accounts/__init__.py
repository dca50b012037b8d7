"""Minimal French login/logout pages (``/connexion/``, ``/deconnexion/``) on Django's auth views.

Kept apart so it can be deleted in one go (this folder, one INSTALLED_APPS line, one include)
when the scheme app provides its own login page with roles.
"""
