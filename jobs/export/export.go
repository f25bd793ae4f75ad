// Package export writes results out of the app: one CSV per table, an
// XLSX workbook with one sheet per table, TSV for the clipboard, and a
// split's sections as PDFs of their own. What it writes comes from the
// model of jobs/result (the tables the result view shows are the cells
// exported). Its FigureFetcher is the checked client for what a result
// links to. No Fyne here.
package export
