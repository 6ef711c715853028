#!/usr/bin/env bash
# The README's API walk-through, runnable against `npm start`: scripts/api-walkthrough.sh [base URL]
set -euo pipefail
BASE=${1:-http://localhost:3000}
# Prints one field of the JSON on stdin: field token, field user.id, field items.0.title
field() { node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(process.argv[1].split(".").reduce((o,k)=>o[k],JSON.parse(s))))' "$1"; }
api() { curl -sS --fail-with-body "$@"; }
send() { api -H 'content-type: application/json' "$@"; }

# Sign up (a fresh e-mail each run); the answer carries a bearer token and your user id.
ANSWER=$(send "$BASE/api/auth/sign-up/email" \
  -d "{\"email\":\"ada-$(date +%s)-$RANDOM@example.com\",\"password\":\"correct horse battery\",\"name\":\"Ada\"}")
TOKEN=$(echo "$ANSWER" | field token)
USER_ID=$(echo "$ANSWER" | field user.id)
AUTH="authorization: Bearer $TOKEN"

api "$BASE/api/priorities"; echo    # Low, Medium, High, Critical

# Ids are the server's: take them from the answers.
TAG_ID=$(send "$BASE/api/$USER_ID/tags" -H "$AUTH" -d '{"name":"home","color":"#10B981"}' | field id)
TASK_ID=$(send "$BASE/api/$USER_ID/tasks" -H "$AUTH" \
  -d "{\"title\":\"Buy milk\",\"priority_id\":3,\"tag_ids\":[$TAG_ID],\"due_date\":\"2027-01-15T09:00:00Z\"}" | field id)

api "$BASE/api/$USER_ID/tasks?status=pending&tag_id=$TAG_ID&search=milk&sort=priority&order=desc&limit=20" -H "$AUTH"; echo
api -X PATCH "$BASE/api/$USER_ID/tasks/$TASK_ID/complete" -H "$AUTH"; echo
api "$BASE/api/$USER_ID/notifications" -H "$AUTH"; echo    # "Buy milk" completed, in the app

# The walk-through checks itself: the tagged task is found and is now completed.
FOUND=$(api "$BASE/api/$USER_ID/tasks?status=completed&tag_id=$TAG_ID" -H "$AUTH" | field items.0.id)
[ "$FOUND" = "$TASK_ID" ] || { echo "expected task $TASK_ID under tag $TAG_ID, found '$FOUND'" >&2; exit 1; }
echo "walk-through done: task $TASK_ID, tag $TAG_ID, user $USER_ID"
