"""Data steps: the changes to stored data that a schema upgrade calls for, kept out of the
migrations so a migration means the same whatever the code around it becomes.

`steps` names them, in order, each with the schema revision that made it necessary;
`ledger` records in the `state` table which a database owes and which ran; `prepare`
upgrades the schema, then runs what is owed (`prepare_database`, for every command that
brings a database up to date). This room sits above `history`: it rebuilds its rollups.
"""
