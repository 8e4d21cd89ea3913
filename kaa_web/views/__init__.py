"""Blueprints of thin views: parse the form, call a service, render or redirect."""
