"""The interview: client and sites, the fit check, and the questionnaire's pages and fields."""
