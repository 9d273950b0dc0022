"""What more than one test module uses: the browser steps, and the builders and constants of a
domain's tests. Test modules import from here (`from helpers.browser import log_in`), never from
each other."""
