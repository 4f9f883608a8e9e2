"""Candidates' data rights: access and portability (export), erasure, retention and
the privacy notice they consent to (GDPR articles 5, 13, 15, 17, 20 and 22).

``selectors`` answers who may act on a candidate's data and reads the notice;
``export`` builds the candidate's file; ``erasure`` and ``retention`` write;
``notices`` publishes new versions of the privacy notice.
"""
