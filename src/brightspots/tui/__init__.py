"""The coding workbench (Textual). A thin front end: every change goes through `Project`."""
