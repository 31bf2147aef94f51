"""What the browser and the command line both show: the file list model (filter language,
sort, marks) and the formatting of sizes, times and server text. Never imports Textual."""
