"""Streamlit helpers shared by the pages: language, shared state, cached calls, charts."""
