"""Review & export: the readiness list, the client documents, and reading an edited workbook back."""
