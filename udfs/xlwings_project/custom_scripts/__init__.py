"""xlmodel has no Office.js scripts (buttons); xlwings Server requires the package to exist."""
