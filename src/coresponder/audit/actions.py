"""Audit action codes. Values are stable: never renumber or reuse one (bands are reserved).

docs/audit-events.md lists every code; a test fails when one is missing.

Bands: 100–199 sign-in and sessions · 200–299 access decisions · 300–399 account and token
administration · 400–499 the audit log itself · 1000–1099 calls for service · 1100–1199
triage · 1200–1299 cases · 1300+ reserved for domain records (referrals, linkage, analytics),
100 codes per domain · 1500–1599 outcomes (the dashboard and its downloads) ·
1700–1799 training.
"""

from __future__ import annotations

from enum import IntEnum


class AuditAction(IntEnum):
    LOGIN_SUCCEEDED = 100
    LOGIN_FAILED = 101
    LOGIN_LOCKED_OUT = 102
    LOGIN_REFUSED_LOCKED = 103
    LOGOUT = 104
    MFA_ENROLLED = 110
    MFA_VERIFIED = 111
    MFA_FAILED = 112
    SESSION_EXPIRED_IDLE = 120
    SESSION_EXPIRED_ABSOLUTE = 121
    STEP_UP_SUCCEEDED = 130
    STEP_UP_FAILED = 131
    API_TOKEN_USED = 140
    API_TOKEN_REFUSED = 141

    ACCESS_DENIED = 200
    API_ACCESS_DENIED = 201

    ACCOUNT_UNLOCKED = 300
    MFA_RESET = 301
    USER_DEACTIVATED = 302
    USER_CREATED = 303
    ROLE_GRANTED = 304
    ROLE_REVOKED = 305
    AGENCY_CREATED = 306
    TEAM_CREATED = 307
    API_TOKEN_CREATED = 310
    API_TOKEN_REVOKED = 311
    USERS_LISTED = 320
    API_TOKENS_LISTED = 321

    AUDIT_LOG_VIEWED = 400
    AUDIT_RECORD_VIEWERS_VIEWED = 401
    AUDIT_CHAIN_VERIFIED = 402
    AUDIT_CHECKPOINT_TAKEN = 403

    CALLS_IMPORT_STARTED = 1000
    CALLS_IMPORTED = 1001
    CALLS_IMPORT_FAILED = 1002
    CALLS_RECEIVED = 1003
    CALLS_LISTED = 1010
    CALL_VIEWED = 1011

    TRIAGE_DECIDED = 1100
    TRIAGE_ACCEPTED = 1101
    TRIAGE_OVERRIDDEN = 1102
    TRIAGE_OVERRIDE_SET = 1110
    TRIAGE_OVERRIDE_DELETED = 1111
    TRIAGE_BOARD_VIEWED = 1120
    TRIAGE_REVIEW_QUEUE_VIEWED = 1121
    TRIAGE_REPORT_VIEWED = 1122
    TRIAGE_BACKTEST_RUN = 1130

    PERSON_CREATED = 1200
    PERSON_UPDATED = 1201
    PERSON_VIEWED = 1202
    PEOPLE_SEARCHED = 1203
    PERSON_LINKED_TO_CALL = 1204
    CASE_OPENED = 1210
    CASE_UPDATED = 1211
    CASE_STATUS_CHANGED = 1212
    CASE_VIEWED = 1213
    CASES_LISTED = 1214
    CASES_REASSIGNED = 1215
    ENCOUNTER_RECORDED = 1220
    ASSESSMENT_COMPLETED = 1230
    NOTE_WRITTEN = 1240
    NOTE_AMENDED = 1241
    SUBSTANCE_USE_NOTES_VIEWED = 1242
    SAFETY_PLAN_SAVED = 1250
    TASK_CREATED = 1260
    TASK_COMPLETED = 1261
    TASKS_LISTED = 1262
    EDIT_CONFLICT = 1270

    DIRECTORY_IMPORTED = 1300
    DIRECTORY_EXPORTED = 1301
    DIRECTORY_SERVICE_UPDATED = 1310
    CONSENT_RECORDED = 1320
    CONSENT_REVOKED = 1321
    CONSENT_ENDED = 1322
    CONSENTS_VIEWED = 1323
    REFERRAL_CREATED = 1330
    REFERRAL_SENT = 1331
    REFERRAL_STATUS_CHANGED = 1332
    REFERRAL_VIEWED = 1333
    REFERRAL_REFUSED = 1334
    REFERRALS_LISTED = 1335
    PARTNER_LINK_CREATED = 1340
    PARTNER_LINK_REVOKED = 1341
    PARTNER_LINK_REFUSED = 1342
    DISCLOSURE_RECORDED = 1350
    DISCLOSURES_VIEWED = 1351

    REPEAT_PLACES_LISTED = 1400
    REPEAT_PLACE_VIEWED = 1401
    REPEAT_PEOPLE_LISTED = 1402
    REPEAT_PERSON_VIEWED = 1403
    OUTREACH_LIST_VIEWED = 1404
    OUTREACH_STARTED = 1405
    REPEAT_TREND_VIEWED = 1406
    LINK_CANDIDATES_LISTED = 1410
    LINK_CONFIRMED = 1411
    LINK_REJECTED = 1412
    PERSONS_UNMERGED = 1413
    PERSON_SPLIT = 1414
    PERSON_SPLIT_UNDONE = 1415
    LINKAGE_RUN = 1420
    PLACE_ALIAS_SET = 1421
    OUTCOMES_VIEWED = 1500
    OUTCOMES_CHART_DOWNLOADED = 1501
    OPEN_DATA_EXPORTED = 1502
    OUTCOMES_REPORT_WRITTEN = 1503

    PLAN_SAVED = 1600
    PLAN_APPROVED = 1601
    PLAN_APPROVAL_REFUSED = 1602
    PLAN_RETIRED = 1603
    PLAN_VIEWED = 1604
    PLANS_LISTED = 1605
    PREMISE_NOTE_SAVED = 1610
    BRIEFING_VIEWED = 1620
    CONSULT_ASKED = 1630
    CONSULT_ANSWERED = 1631
    CONSULT_BECAME_CASE = 1632
    CONSULT_VIEWED = 1633
    CONFERENCE_CREATED = 1640
    CONFERENCE_VIEWED = 1641
    CONFERENCE_DECISION_RECORDED = 1642
    OUTREACH_RECORDED = 1650
    OUTREACH_CASE_LINKED = 1651
    PARTNERSHIP_SAVED = 1652

    OFFICER_SAVED = 1700
    COURSE_SAVED = 1701
    TRAINING_SESSION_SAVED = 1702
    ATTENDANCE_RECORDED = 1703
    ATTENDANCE_IMPORTED = 1704
    CERTIFICATE_ISSUED = 1705
    TRAINING_LISTED = 1710
    TRAINING_COVERAGE_VIEWED = 1711
    OWN_TRAINING_VIEWED = 1712
    TRAINING_REMINDERS_SENT = 1720


DESCRIPTIONS: dict[AuditAction, str] = {
    AuditAction.LOGIN_SUCCEEDED: "A user signed in with a correct password.",
    AuditAction.LOGIN_FAILED: "A sign-in failed: wrong password or unknown username.",
    AuditAction.LOGIN_LOCKED_OUT: "A username reached the failure limit and was locked.",
    AuditAction.LOGIN_REFUSED_LOCKED: "A sign-in to a locked username was refused.",
    AuditAction.LOGOUT: "A user signed out.",
    AuditAction.MFA_ENROLLED: "A user enrolled a TOTP authenticator.",
    AuditAction.MFA_VERIFIED: "A user passed the TOTP check for this session.",
    AuditAction.MFA_FAILED: "A TOTP code was wrong, reused or throttled.",
    AuditAction.SESSION_EXPIRED_IDLE: "A session ended after the idle timeout.",
    AuditAction.SESSION_EXPIRED_ABSOLUTE: "A session ended at the absolute time limit.",
    AuditAction.STEP_UP_SUCCEEDED: "A user re-authenticated before a sensitive action.",
    AuditAction.STEP_UP_FAILED: "A step-up re-authentication failed.",
    AuditAction.API_TOKEN_USED: "An API token authenticated a request (first use per minute).",
    AuditAction.API_TOKEN_REFUSED: "An API request carried a malformed, unknown, revoked or "
    "expired token.",
    AuditAction.ACCESS_DENIED: "A page was refused because no role grants its capability.",
    AuditAction.API_ACCESS_DENIED: "An API operation was refused (capability or token scope).",
    AuditAction.ACCOUNT_UNLOCKED: "A locked username was released by an admin (actor set) or "
    "from the command line (no actor).",
    AuditAction.MFA_RESET: "An admin removed a user's authenticators so they enrol again.",
    AuditAction.USER_DEACTIVATED: "An account was deactivated: by an admin, or automatically "
    "after the idle limit (the reason says which).",
    AuditAction.USER_CREATED: "An account was created.",
    AuditAction.ROLE_GRANTED: "A role was granted to a user.",
    AuditAction.ROLE_REVOKED: "A role was taken from a user.",
    AuditAction.AGENCY_CREATED: "An agency was created (command line).",
    AuditAction.TEAM_CREATED: "A team was created in an agency.",
    AuditAction.API_TOKEN_CREATED: "An API token was issued.",
    AuditAction.API_TOKEN_REVOKED: "An API token was revoked.",
    AuditAction.USERS_LISTED: "An admin listed the agency's accounts.",
    AuditAction.API_TOKENS_LISTED: "An admin listed the agency's API tokens.",
    AuditAction.AUDIT_LOG_VIEWED: "An auditor read or searched the audit log.",
    AuditAction.AUDIT_RECORD_VIEWERS_VIEWED: "An auditor asked who viewed a record.",
    AuditAction.AUDIT_CHAIN_VERIFIED: "The audit chain was verified (result in the data).",
    AuditAction.AUDIT_CHECKPOINT_TAKEN: "A checkpoint of the chain head was printed for "
    "off-box storage.",
    AuditAction.CALLS_IMPORT_STARTED: "An import of a CAD export began (batch, profile, file "
    "hash).",
    AuditAction.CALLS_IMPORTED: "An import of a CAD export finished (its reconciled counts).",
    AuditAction.CALLS_IMPORT_FAILED: "An import stopped on an error; re-running it resumes.",
    AuditAction.CALLS_RECEIVED: "Calls arrived through the live feed API (counts).",
    AuditAction.CALLS_LISTED: "Someone listed or searched calls (the filters used).",
    AuditAction.CALL_VIEWED: "Someone opened one call (and whether its narrative was shown).",
    AuditAction.TRIAGE_DECIDED: "Calls were triaged and their decisions stored (counts by mode, "
    "new call types).",
    AuditAction.TRIAGE_ACCEPTED: "A dispatcher accepted a triage recommendation.",
    AuditAction.TRIAGE_OVERRIDDEN: "A dispatcher overrode a triage recommendation (the reason is "
    "recorded).",
    AuditAction.TRIAGE_OVERRIDE_SET: "A call type's category was set in the agency's crosswalk "
    "(or confirmed from review).",
    AuditAction.TRIAGE_OVERRIDE_DELETED: "A call type was removed from the agency's crosswalk.",
    AuditAction.TRIAGE_BOARD_VIEWED: "The dispatcher board was opened, or refreshed with new "
    "calls on it.",
    AuditAction.TRIAGE_REVIEW_QUEUE_VIEWED: "Someone read the queue of call types waiting for "
    "review, or the crosswalk.",
    AuditAction.TRIAGE_REPORT_VIEWED: "Someone read the agreement and override report.",
    AuditAction.TRIAGE_BACKTEST_RUN: "A policy backtest was run on stored calls (command line).",
    AuditAction.PERSON_CREATED: "A person's record was created.",
    AuditAction.PERSON_UPDATED: "A person's record was changed (the fields named).",
    AuditAction.PERSON_VIEWED: "Someone opened a person's record.",
    AuditAction.PEOPLE_SEARCHED: "Someone searched for people (the query is not stored, only its "
    "length).",
    AuditAction.PERSON_LINKED_TO_CALL: "A person was linked to a call they appear in.",
    AuditAction.CASE_OPENED: "A case was opened (how it came in, the team).",
    AuditAction.CASE_UPDATED: "A case's needs, goals or risk level were changed.",
    AuditAction.CASE_STATUS_CHANGED: "A case moved between open, active and closed (with the "
    "closing reason).",
    AuditAction.CASE_VIEWED: "Someone opened a case.",
    AuditAction.CASES_LISTED: "Someone listed a caseload (theirs or their team's).",
    AuditAction.CASES_REASSIGNED: "A case was moved to another worker; the reason is recorded.",
    AuditAction.ENCOUNTER_RECORDED: "An encounter was recorded on a case.",
    AuditAction.ASSESSMENT_COMPLETED: "An assessment was completed (the instrument and resulting "
    "risk level).",
    AuditAction.NOTE_WRITTEN: "A note or shift handoff was written (its sensitivity).",
    AuditAction.NOTE_AMENDED: "A note was amended: a new version with the reason.",
    AuditAction.SUBSTANCE_USE_NOTES_VIEWED: "Notes protected by 42 CFR Part 2 were shown to "
    "someone (how many).",
    AuditAction.SAFETY_PLAN_SAVED: "A case's safety plan was written or changed.",
    AuditAction.TASK_CREATED: "A follow-up task was created (by a person, or after a crisis "
    "encounter).",
    AuditAction.TASK_COMPLETED: "A follow-up task was done or cancelled.",
    AuditAction.TASKS_LISTED: "Someone read their day's tasks.",
    AuditAction.EDIT_CONFLICT: "A save was refused because someone else had saved the record "
    "first.",
    AuditAction.DIRECTORY_IMPORTED: "A community-partner directory file was imported (records "
    "stored and problems, by count; replace or merge).",
    AuditAction.DIRECTORY_EXPORTED: "The community-partner directory was exported (records, by "
    "count).",
    AuditAction.DIRECTORY_SERVICE_UPDATED: "A directory service's details or status were changed "
    "(the fields named).",
    AuditAction.CONSENT_RECORDED: "A person's consent to disclose was recorded (its categories, "
    "recipient and purposes).",
    AuditAction.CONSENT_REVOKED: "A consent was revoked (the note says how the person said so).",
    AuditAction.CONSENT_ENDED: "A consent's ending event was recorded: it no longer allows "
    "disclosures.",
    AuditAction.CONSENTS_VIEWED: "Someone read a person's consents.",
    AuditAction.REFERRAL_CREATED: "A referral was drafted from a case (partner service and needs).",
    AuditAction.REFERRAL_SENT: "A referral was sent to its partner (the basis: consent, emergency "
    "or none needed).",
    AuditAction.REFERRAL_STATUS_CHANGED: "A referral moved on in its lifecycle (from, to, and "
    "whether the partner did it).",
    AuditAction.REFERRAL_VIEWED: "Someone opened a referral (a user, or the partner through its "
    "link).",
    AuditAction.REFERRAL_REFUSED: "Sending or printing a referral was refused: no consent covers "
    "it (the reason).",
    AuditAction.REFERRALS_LISTED: "Someone listed referrals (the filters used).",
    AuditAction.PARTNER_LINK_CREATED: "A signed link for a partner to answer one referral was "
    "made (its expiry).",
    AuditAction.PARTNER_LINK_REVOKED: "A partner link was withdrawn before its expiry.",
    AuditAction.PARTNER_LINK_REFUSED: "A partner link was refused: bad signature, expired, "
    "withdrawn or for another referral.",
    AuditAction.DISCLOSURE_RECORDED: "Information about a person left the program (a referral, an "
    "export or a print): the ledger row.",
    AuditAction.DISCLOSURES_VIEWED: "Someone produced a person's accounting of disclosures (page "
    "or command line).",
    AuditAction.REPEAT_PLACES_LISTED: "Someone listed the places that call most (the rule and the "
    "filters).",
    AuditAction.REPEAT_PLACE_VIEWED: "Someone opened one place's repeat-call history.",
    AuditAction.REPEAT_PEOPLE_LISTED: "Someone listed the people who call most (the rule).",
    AuditAction.REPEAT_PERSON_VIEWED: "Someone opened one person's calls and mentions across "
    "calls.",
    AuditAction.OUTREACH_LIST_VIEWED: "Someone read the outreach list (frequent callers not on a "
    "caseload).",
    AuditAction.OUTREACH_STARTED: "Outreach was started for a frequent caller: a person and a "
    "case opened, their calls linked.",
    AuditAction.REPEAT_TREND_VIEWED: "Someone read the repeat-call trend.",
    AuditAction.LINK_CANDIDATES_LISTED: "Someone read the queue of candidate person links.",
    AuditAction.LINK_CONFIRMED: "A candidate person link was confirmed (the probability, the "
    "calls added to a person's history).",
    AuditAction.LINK_REJECTED: "A candidate person link was rejected.",
    AuditAction.PERSONS_UNMERGED: "A confirmed person link was taken back (the calls removed "
    "from a person's history).",
    AuditAction.PERSON_SPLIT: "A call mention was split from the group the linkage model made "
    "(it stands alone and joins no group on its own again).",
    AuditAction.PERSON_SPLIT_UNDONE: "A split was undone: the mention is with the person again.",
    AuditAction.LINKAGE_RUN: "Locations or person links were worked out (what, counts and time).",
    AuditAction.PLACE_ALIAS_SET: "A named place and the address it stands for were set.",
    AuditAction.OUTCOMES_VIEWED: "Someone read the outcomes dashboard (the period and filters, "
    "whether small cells were suppressed).",
    AuditAction.OUTCOMES_CHART_DOWNLOADED: "Someone downloaded one outcomes chart's numbers as CSV "
    "(the chart, period and filters).",
    AuditAction.PLAN_SAVED: "A response plan for officers was written or changed (it waits for "
    "approval).",
    AuditAction.PLAN_APPROVED: "A response plan or premise note was approved by someone other "
    "than its author.",
    AuditAction.PLAN_APPROVAL_REFUSED: "An approval was refused: its own author, not waiting, or "
    "past its review date.",
    AuditAction.PLAN_RETIRED: "A response plan or premise note was taken out of use (the reason).",
    AuditAction.PLAN_VIEWED: "Someone who works cases opened a response plan.",
    AuditAction.PLANS_LISTED: "Someone listed the plans and notes (waiting, current, lapsed).",
    AuditAction.PREMISE_NOTE_SAVED: "A premise note for officers was written or changed (it waits "
    "for approval).",
    AuditAction.BRIEFING_VIEWED: "A call's briefing (plans and premise notes) was shown: page or "
    "API, with counts.",
    AuditAction.OFFICER_SAVED: "An officer was added to the training roster or changed.",
    AuditAction.COURSE_SAVED: "A training course was added or changed.",
    AuditAction.TRAINING_SESSION_SAVED: "A training session was scheduled or changed.",
    AuditAction.ATTENDANCE_RECORDED: "An officer's attendance at a training session was recorded "
    "or changed (hours, completed).",
    AuditAction.ATTENDANCE_IMPORTED: "Attendance was imported from a CSV file into a session "
    "(rows imported, unchanged and refused).",
    AuditAction.CERTIFICATE_ISSUED: "A training certificate was issued or renewed.",
    AuditAction.TRAINING_LISTED: "Someone listed training courses, sessions or a session's "
    "attendance.",
    AuditAction.TRAINING_COVERAGE_VIEWED: "Someone read training coverage by shift and district.",
    AuditAction.OWN_TRAINING_VIEWED: "An officer read their own training record.",
    AuditAction.TRAINING_REMINDERS_SENT: "Supervisors were told about certificates expiring soon "
    "(how many).",
    AuditAction.CONSULT_ASKED: "An officer asked the social-work team for advice (the urgency).",
    AuditAction.CONSULT_ANSWERED: "A consult was answered (minutes from question to answer).",
    AuditAction.CONSULT_BECAME_CASE: "A consult was made into a case.",
    AuditAction.CONSULT_VIEWED: "Someone opened a consult (the officer who asked, or the team).",
    AuditAction.CONFERENCE_CREATED: "A case conference or staff meeting was created with its "
    "generated agenda (items, by count).",
    AuditAction.CONFERENCE_VIEWED: "Someone opened a meeting's agenda (or its printable form).",
    AuditAction.CONFERENCE_DECISION_RECORDED: "A decision on an agenda item was recorded (and "
    "whether it made a task).",
    AuditAction.OUTREACH_RECORDED: "Community outreach or a public education session was recorded "
    "(kind, people reached).",
    AuditAction.OUTREACH_CASE_LINKED: "A case was linked to the outreach it came from.",
    AuditAction.PARTNERSHIP_SAVED: "A standing partnership was recorded (the partner).",
    AuditAction.OPEN_DATA_EXPORTED: "The de-identified open-data calls dataset was written "
    "(period, rows released and withheld, k).",
    AuditAction.OUTCOMES_REPORT_WRITTEN: "The program report was written (period and format; small "
    "cells suppressed).",
}
