"""The pages that gather every domain: the first page after login for each role, a community's home
page with its menu, the overseer's roll-up, the login page and the navigation bar.

It sits above every domain package (they never import it); see [tool.importlinter] in pyproject.toml.
"""
