"""The input-contract demo: the same audio through the converted path and through a deliberately
broken raw path, side by side, so the user sees what a silent contract break produces.

Qt-free. The file demo (`run_file_demo`) and the live hook (`LiveRawTranscriber`) are the entry
points; `app.gui.contract_demo_view.ContractDemoView` shows their results.
"""
