"""Collecting units' workbooks: statuses and rows (:mod:`.records`), who is merged, superseded,
rejected or missing (:mod:`.decide`), the unit list (:mod:`.units`), the history database and
archive (:mod:`.history`), the consolidated workbook (:mod:`.workbook`), 退回说明 and 催报名单
(:mod:`.feedback`), the roll-up by parent (:mod:`.rollup`) and a web round's tables
(:mod:`.rounds`).  What a merge does is decided in :mod:`nianbao.actions.merge`."""
