"""Stories out: feed definitions → queries on the store → render → serve/export."""
