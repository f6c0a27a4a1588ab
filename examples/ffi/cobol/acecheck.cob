      >>SOURCE FORMAT IS FREE
*> Checks a CATAIR transmission through the ace-pga C ABI from COBOL (GnuCOBOL) and prints
*> the findings. The file is read as 80-byte records (a line sequential file here; a physical
*> file of 80-byte records on IBM i), each passed on with a line feed.
*>
*>   cargo build --release -p ace-pga-c
*>   cobc -x -fstatic-call -o acecheck examples/ffi/cobol/acecheck.cob -Ltarget/release -lace_pga_c
*>   LD_LIBRARY_PATH=target/release ./acecheck spec-samples/invalid/or2-nop-id-10-digit.txt 2026-03-16
*>
*> Exit status: 0 no error, 1 errors found, 2 usage, 3 internal (the AcePgaStatus).
IDENTIFICATION DIVISION.
PROGRAM-ID. ACECHECK.
ENVIRONMENT DIVISION.
INPUT-OUTPUT SECTION.
FILE-CONTROL.
    SELECT CATAIR ASSIGN TO DYNAMIC WS-FILE-NAME
        ORGANIZATION IS LINE SEQUENTIAL
        FILE STATUS IS WS-FS.
DATA DIVISION.
FILE SECTION.
FD CATAIR.
01 CATAIR-RECORD           PIC X(80).
WORKING-STORAGE SECTION.
01 WS-FILE-NAME            PIC X(256).
01 WS-AS-OF                PIC X(10).
01 WS-FS                   PIC XX.
*> At most 10,000 records of 80 bytes and a line feed.
01 WS-DATA                 PIC X(810000).
01 WS-LEN                  USAGE BINARY-C-LONG UNSIGNED VALUE 0.
01 WS-OPTIONS              PIC X(64).
01 WS-OUT                  USAGE POINTER.
01 WS-OUT-LEN              USAGE BINARY-C-LONG UNSIGNED VALUE 0.
01 WS-STATUS               USAGE BINARY-LONG VALUE 0.
01 WS-I                    USAGE BINARY-C-LONG UNSIGNED.
01 WS-J                    USAGE BINARY-C-LONG UNSIGNED.
01 WS-KEY                  PIC X(12).
01 WS-VALUE                PIC X(400).
01 WS-V-LEN                USAGE BINARY-LONG.
01 WS-IS-STRING            PIC X VALUE "N".
01 WS-LINE                 PIC X(12).
01 WS-MESSAGE              PIC X(400).
01 WS-RULE                 PIC X(12).
01 WS-SEVERITY             PIC X(8).
01 WS-DISPLAY-STATUS       PIC 9.
LINKAGE SECTION.
01 LS-JSON                 PIC X(2000000).
PROCEDURE DIVISION.
    ACCEPT WS-FILE-NAME FROM ARGUMENT-VALUE
    ACCEPT WS-AS-OF FROM ARGUMENT-VALUE
    IF WS-FILE-NAME = SPACES
        DISPLAY "usage: acecheck FILE [AS_OF]" UPON SYSERR
        MOVE 2 TO RETURN-CODE
        STOP RUN
    END-IF
    OPEN INPUT CATAIR
    IF WS-FS NOT = "00"
        DISPLAY "cannot open " FUNCTION TRIM(WS-FILE-NAME) ": " WS-FS UPON SYSERR
        MOVE 2 TO RETURN-CODE
        STOP RUN
    END-IF
    PERFORM UNTIL WS-LEN > 809919
        READ CATAIR
            AT END EXIT PERFORM
        END-READ
        MOVE CATAIR-RECORD TO WS-DATA(WS-LEN + 1:80)
        MOVE X"0A" TO WS-DATA(WS-LEN + 81:1)
        ADD 81 TO WS-LEN
    END-PERFORM
    CLOSE CATAIR

    IF WS-AS-OF = SPACES
        MOVE Z"{}" TO WS-OPTIONS
    ELSE
        STRING '{"as_of": "' WS-AS-OF '"}' X"00" DELIMITED BY SIZE INTO WS-OPTIONS
    END-IF
    CALL "ace_pga_check_json" USING BY REFERENCE WS-DATA
                                    BY VALUE WS-LEN
                                    BY REFERENCE WS-OPTIONS
                                    BY REFERENCE WS-OUT
                                    BY REFERENCE WS-OUT-LEN
                              RETURNING WS-STATUS
    END-CALL
    MOVE WS-STATUS TO WS-DISPLAY-STATUS
    DISPLAY "ace-pga status " WS-DISPLAY-STATUS
    SET ADDRESS OF LS-JSON TO WS-OUT
    IF WS-STATUS >= 2
        DISPLAY LS-JSON(1:WS-OUT-LEN) UPON SYSERR
    ELSE
        PERFORM PRINT-FINDINGS
    END-IF
    CALL "ace_pga_free" USING BY VALUE WS-OUT BY VALUE WS-OUT-LEN END-CALL
    MOVE WS-STATUS TO RETURN-CODE
    STOP RUN.

*> Each finding is a flat object with its keys sorted (schema/check.schema.json):
*> cbp_code, columns, line, message, offset, record, rule, ruleset, severity.
PRINT-FINDINGS.
    MOVE 1 TO WS-I
    PERFORM UNTIL WS-I > WS-OUT-LEN
        MOVE SPACES TO WS-KEY
        MOVE "Y" TO WS-IS-STRING
        EVALUATE TRUE
            WHEN LS-JSON(WS-I:7) = '"line":'
                MOVE "line" TO WS-KEY
                MOVE "N" TO WS-IS-STRING
                ADD 7 TO WS-I
            WHEN LS-JSON(WS-I:11) = '"message":"'
                MOVE "message" TO WS-KEY
                ADD 11 TO WS-I
            WHEN LS-JSON(WS-I:8) = '"rule":"'
                MOVE "rule" TO WS-KEY
                ADD 8 TO WS-I
            WHEN LS-JSON(WS-I:12) = '"severity":"'
                MOVE "severity" TO WS-KEY
                ADD 12 TO WS-I
            WHEN OTHER
                ADD 1 TO WS-I
        END-EVALUATE
        IF WS-KEY NOT = SPACES
            PERFORM READ-VALUE
            EVALUATE WS-KEY
                WHEN "line"     MOVE WS-VALUE TO WS-LINE
                WHEN "message"  MOVE WS-VALUE TO WS-MESSAGE
                WHEN "rule"     MOVE WS-VALUE TO WS-RULE
                WHEN "severity"
                    MOVE WS-VALUE TO WS-SEVERITY
                    DISPLAY FUNCTION TRIM(WS-SEVERITY) " " FUNCTION TRIM(WS-RULE)
                            " line " FUNCTION TRIM(WS-LINE) ": " FUNCTION TRIM(WS-MESSAGE)
            END-EVALUATE
        END-IF
    END-PERFORM.

*> The value at WS-I: a string up to its closing quote (escapes kept as they are), else up
*> to a comma or brace.
READ-VALUE.
    MOVE SPACES TO WS-VALUE
    MOVE 0 TO WS-V-LEN
    PERFORM UNTIL WS-I > WS-OUT-LEN
        IF WS-IS-STRING = "Y" AND LS-JSON(WS-I:1) = '"'
            EXIT PERFORM
        END-IF
        IF WS-IS-STRING = "N" AND (LS-JSON(WS-I:1) = ',' OR LS-JSON(WS-I:1) = '}')
            EXIT PERFORM
        END-IF
        IF LS-JSON(WS-I:1) = '\' AND WS-V-LEN < 398
            ADD 1 TO WS-V-LEN
            MOVE LS-JSON(WS-I:1) TO WS-VALUE(WS-V-LEN:1)
            ADD 1 TO WS-I
        END-IF
        IF WS-V-LEN < 400
            ADD 1 TO WS-V-LEN
            MOVE LS-JSON(WS-I:1) TO WS-VALUE(WS-V-LEN:1)
        END-IF
        ADD 1 TO WS-I
    END-PERFORM.
