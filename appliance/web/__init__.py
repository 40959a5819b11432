"""The owner's web page: pieces that ``appliance.web.app`` wires into one bottle app."""
