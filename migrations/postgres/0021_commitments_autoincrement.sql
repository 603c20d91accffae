-- SQLite's 0021 makes commitment ids never given twice (an edit deletes
-- commitments, and a list shown before it names them by id). Here
-- commitments.id is an identity column, whose sequence never gives an id
-- again: nothing to change, the number kept alike.
SELECT 1;
