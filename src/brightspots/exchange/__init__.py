"""Exchange with other tools: REFI-QDA projects (.qdpx) and codebooks (.qdc) both ways, and
tables of codings and of the codebook (CSV, XLSX) for R, Stata and pandas.

Files from other tools are untrusted input: archives are read through `safe_zip` (limits on
entries, sizes and compression ratio; member names checked) and XML through defusedxml
with document types refused (`qdaxml.parse`). Positions are converted at this boundary
only (`positions`, `alignment`): inside brightspots they stay code-point offsets into the
normalised document text."""
