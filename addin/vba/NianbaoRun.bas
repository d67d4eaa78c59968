Attribute VB_Name = "NianbaoRun"
' How the buttons of nianbao.xlam run, besides RunPython: the guards every button has (one
' Chinese message, never the debugger) and server mode -- Check and Report against a
' `nianbao serve` address, for desks where Office may not start Python.
'
' Server mode: the add-in's settings (its own nianbao.conf sheet, or the user's own
' %USERPROFILE%\.nianbao\nianbao.conf -- never the workbook being checked) name SERVER_URL.
' A copy of the open workbook is saved to the temporary folder (the workbook itself is never
' saved), posted to SERVER_URL/api/check?format=vba or /api/report?format=vba, and the reply
' -- the paint job of nianbao.addin_marks, a line-oriented ASCII text -- is parsed completely
' before anything is painted: the cells the previous run marked get their template fill back,
' the faulty cells are filled, the results sheet is written, as local Python's Check does.
' Every text goes into a cell as a literal (a leading apostrophe), never as a formula.
'
' The parser and the painter run in LibreOffice's VBA support as well (the tests run them there
' on real workbooks; only a protected sheet's Allow* permissions are not exposed there).  Chinese words come from NianbaoText (NbText): the project's
' code page is Western, so the source stays ASCII.
Option Explicit
Option Private Module

Private Const PLAN_MAGIC As String = "nianbao-plan"
Private Const PLAN_VERSION As String = "2"
Private Const TIME_MARK As String = "{time}"
Private Const XL_NONE As Long = -4142
Private Const XL_TOP As Long = -4160
Private Const RESULT_FIRST_ROW As Long = 5
Public Const NB_ERROR As Long = -2147220991  ' vbObjectError + 513: a failure this add-in explains itself

' ---- the guards --------------------------------------------------------------------------------

' The message a button shows when it needs a workbook and none is open (or the one in front is
' in Protected View, where ActiveWorkbook is Nothing as well).
Public Sub NbNeedWorkbook()
    MsgBox NbText("open_workbook"), vbExclamation, NbText("title")
End Sub

' The one message a button shows when anything fails: its name and what went wrong.
Public Sub NbFailed(ByVal buttonKey As String, ByVal number As Long, ByVal description As String)
    Dim text As String
    text = Replace(NbText("failed"), "{button}", NbText("button." & buttonKey))
    If number <> NB_ERROR Then description = description & " (" & number & ")"
    MsgBox Replace(text, "{detail}", description), vbCritical, NbText("title")
End Sub

' The server's address from the add-in's settings; "" when the buttons run local Python.
Public Function NbServerUrl() As String
    Dim url As String
    url = Trim$(GetConfig("SERVER_URL", ""))
    Do While Right$(url, 1) = "/"
        url = Left$(url, Len(url) - 1)
    Loop
    NbServerUrl = url
End Function

' ---- server mode -------------------------------------------------------------------------------

' Check (purpose "check") or Report (purpose "report") of wb through the server.
Public Sub NbServerRun(ByVal wb As Object, ByVal purpose As String)
    Dim url As String, copyPath As String, status As Long, body As Variant, plan As Variant
    Dim target As String, stem As String, number As Long, description As String
    url = NbServerUrl()
    If purpose = "report" And wb.Path = "" Then  ' never saved: there is no folder for the report
        NbFail Replace(NbText("no_folder"), "{file}", wb.Name)
    End If
    copyPath = NbSaveCopy(wb)
    On Error GoTo failed
    If purpose = "report" Then
        body = NbPost(url & "/api/report?format=vba", copyPath, wb.Name, status)
    Else
        body = NbPost(url & "/api/check?format=vba", copyPath, wb.Name, status)
    End If
    On Error GoTo 0
    NbDelete copyPath
    If purpose = "report" And status = 200 Then
        If UBound(body) < 1 Then NbFail Replace(NbText("bad_reply"), "{detail}", "empty")
        If body(0) <> 80 Or body(1) <> 75 Then NbFail Replace(NbText("bad_reply"), "{detail}", "not a .docx")
        stem = wb.Name
        If InStrRev(stem, ".") > 1 Then stem = Left$(stem, InStrRev(stem, ".") - 1)
        target = NbFreeName(wb.Path, stem, ".docx")
        NbWriteBytes target, body
        MsgBox Replace(NbText("written"), "{files}", target), vbInformation, NbText("report_title")
        Exit Sub
    End If
    If status <> 200 And Not (purpose = "report" And status = 409) Then
        NbFail Replace(Replace(NbText("http_error"), "{status}", CStr(status)), "{detail}", NbAsciiPrefix(body, 300))
    End If
    plan = NbParsePlan(NbBytesText(body))
    NbPaint wb, plan
    NbShowAlert plan
    Exit Sub
failed:
    number = Err.Number
    description = Err.Description
    On Error Resume Next
    NbDelete copyPath
    On Error GoTo 0
    If number = NB_ERROR Then Err.Raise number, "nianbao", description
    NbFail Replace(Replace(NbText("unreachable"), "{url}", url), "{detail}", description & " (" & number & ")")
End Sub

' Raise the error NbFailed shows as it is.
Private Sub NbFail(ByVal text As String)
    Err.Raise NB_ERROR, "nianbao", text
End Sub

' A copy of wb as it is now, in the temporary folder; wb itself is not saved.
Private Function NbSaveCopy(ByVal wb As Object) As String
    Dim ext As String, p As String
    ext = ".xlsx"
    If InStrRev(wb.Name, ".") > 0 Then ext = Mid$(wb.Name, InStrRev(wb.Name, "."))
    Randomize
    p = Environ("TEMP") & "\nianbao-" & Format(Now, "yyyymmdd-hhnnss") & "-" & CStr(Int(Rnd * 1000000000)) & ext
    On Error GoTo failed
    wb.SaveCopyAs p
    NbSaveCopy = p
    Exit Function
failed:
    NbFail Replace(NbText("copy_failed"), "{detail}", Err.Description)
End Function

' POST the file at path as the multipart field "file" (named fileName); the reply's bytes.
Private Function NbPost(ByVal url As String, ByVal path As String, ByVal fileName As String, ByRef status As Long) As Variant
    Dim http As Object, boundary As String
    Randomize
    boundary = "----nianbao" & Format(Now, "yyyymmddhhnnss") & CStr(Int(Rnd * 1000000000))
    Set http = NbHttp()
    http.setTimeouts 10000, 10000, 120000, 300000  ' before Open, as ServerXMLHTTP wants it
    http.Open "POST", url, False
    http.setRequestHeader "Content-Type", "multipart/form-data; boundary=" & boundary
    http.send NbMultipart(boundary, fileName, NbReadBytes(path))
    status = http.Status
    NbPost = http.responseBody
End Function

' The HTTP client Windows provides, late bound: no reference, no DLL of ours.
Private Function NbHttp() As Object
    On Error Resume Next
    Set NbHttp = CreateObject("MSXML2.ServerXMLHTTP.6.0")
    If NbHttp Is Nothing Then Set NbHttp = CreateObject("WinHttp.WinHttpRequest.5.1")
    On Error GoTo 0
    If NbHttp Is Nothing Then NbFail Replace(NbText("no_http"), "{detail}", "MSXML2.ServerXMLHTTP, WinHttp.WinHttpRequest")
End Function

' A multipart/form-data body with one file field, as browsers send it (the file name in UTF-8).
Public Function NbMultipart(ByVal boundary As String, ByVal fileName As String, data As Variant) As Variant
    Dim head As Variant, tail As Variant, out() As Byte, i As Long, n As Long, nh As Long, nd As Long
    fileName = Replace(Replace(Replace(fileName, """", "%22"), vbCr, " "), vbLf, " ")
    head = NbUtf8("--" & boundary & vbCrLf & "Content-Disposition: form-data; name=""file""; filename=""" _
                  & fileName & """" & vbCrLf & "Content-Type: application/octet-stream" & vbCrLf & vbCrLf)
    tail = NbUtf8(vbCrLf & "--" & boundary & "--" & vbCrLf)
    nh = UBound(head) + 1
    nd = 0
    If IsArray(data) Then nd = UBound(data) - LBound(data) + 1
    n = nh + nd + UBound(tail) + 1
    ReDim out(0 To n - 1)
    For i = 0 To nh - 1
        out(i) = head(i)
    Next i
    For i = 0 To nd - 1
        out(nh + i) = data(LBound(data) + i)
    Next i
    For i = 0 To UBound(tail)
        out(nh + nd + i) = tail(i)
    Next i
    NbMultipart = out
End Function

' s as UTF-8 bytes (a surrogate pair becomes one 4-byte sequence).
Public Function NbUtf8(ByVal s As String) As Variant
    Dim out() As Byte, n As Long, i As Long, c As Long, lo As Long
    ReDim out(0 To 4 * Len(s) + 1)
    i = 1
    Do While i <= Len(s)
        c = AscW(Mid$(s, i, 1)) And &HFFFF&
        If c >= &HD800& And c <= &HDBFF& And i < Len(s) Then
            lo = AscW(Mid$(s, i + 1, 1)) And &HFFFF&
            If lo >= &HDC00& And lo <= &HDFFF& Then
                c = &H10000 + (c - &HD800&) * &H400& + (lo - &HDC00&)
                i = i + 1
            End If
        End If
        If c < &H80& Then
            out(n) = c: n = n + 1
        ElseIf c < &H800& Then
            out(n) = &HC0& Or (c \ &H40&): out(n + 1) = &H80& Or (c And &H3F&): n = n + 2
        ElseIf c < &H10000 Then
            out(n) = &HE0& Or (c \ &H1000&): out(n + 1) = &H80& Or ((c \ &H40&) And &H3F&)
            out(n + 2) = &H80& Or (c And &H3F&): n = n + 3
        Else
            out(n) = &HF0& Or (c \ &H40000): out(n + 1) = &H80& Or ((c \ &H1000&) And &H3F&)
            out(n + 2) = &H80& Or ((c \ &H40&) And &H3F&): out(n + 3) = &H80& Or (c And &H3F&): n = n + 4
        End If
        i = i + 1
    Loop
    If n = 0 Then
        ReDim out(0 To 0)  ' an empty string still gives one element: callers never pass one
    Else
        ReDim Preserve out(0 To n - 1)
    End If
    NbUtf8 = out
End Function

' The reply as text: the plan is 7-bit ASCII (NbParsePlan refuses anything else), so each byte
' is one character whatever the code page.
Public Function NbBytesText(body As Variant) As String
    Dim i As Long, parts() As String, n As Long
    If Not IsArray(body) Then Exit Function
    n = UBound(body) - LBound(body) + 1
    If n <= 0 Then Exit Function
    ReDim parts(0 To n - 1)
    For i = 0 To n - 1
        parts(i) = ChrW(body(LBound(body) + i))  ' ChrW: a byte over 127 is no DBCS lead byte
    Next i
    NbBytesText = Join(parts, "")
End Function

' The start of an error reply, printable ASCII only, for the message.
Private Function NbAsciiPrefix(body As Variant, ByVal limit As Long) As String
    Dim i As Long, b As Long, s As String
    If Not IsArray(body) Then Exit Function
    For i = LBound(body) To UBound(body)
        If Len(s) >= limit Then Exit For
        b = body(i)
        If b >= 32 And b < 127 Then s = s & ChrW(b) Else s = s & " "
    Next i
    NbAsciiPrefix = Trim$(s)
End Function

Private Function NbReadBytes(ByVal path As String) As Variant
    Dim st As Object
    Set st = CreateObject("ADODB.Stream")
    st.Type = 1  ' binary
    st.Open
    st.LoadFromFile path
    NbReadBytes = st.Read
    st.Close
End Function

' Write a new file; never over an existing one (adSaveCreateNotExist).
Private Sub NbWriteBytes(ByVal path As String, data As Variant)
    Dim st As Object
    On Error GoTo failed
    Set st = CreateObject("ADODB.Stream")
    st.Type = 1
    st.Open
    st.Write data
    st.SaveToFile path, 1
    st.Close
    Exit Sub
failed:
    NbFail Replace(Replace(NbText("save_failed"), "{file}", path), "{detail}", Err.Description)
End Sub

Private Sub NbDelete(ByVal path As String)
    On Error Resume Next
    If path <> "" Then Kill path
End Sub

' folder\stem.ext, or folder\stem-2.ext ... when taken: a button never writes over a file.
Public Function NbFreeName(ByVal folder As String, ByVal stem As String, ByVal ext As String) As String
    Dim n As Long, p As String, sep As String
    sep = Application.PathSeparator
    p = folder & sep & stem & ext
    n = 2
    Do While NbFileExists(p)
        p = folder & sep & stem & "-" & n & ext
        n = n + 1
    Loop
    NbFreeName = p
End Function

Private Function NbFileExists(ByVal path As String) As Boolean
    On Error GoTo plain
    NbFileExists = CreateObject("Scripting.FileSystemObject").FileExists(path)  ' Unicode names
    Exit Function
plain:
    NbFileExists = (Dir$(path) <> "")
End Function

' ---- the paint job: parsing ---------------------------------------------------------------------

' The job in text, checked whole before anything is painted: every line's fields decoded
' (strings unescaped, numbers and values typed).  Returns an array of records, each an array
' whose element 0 is the kind.  Raises NB_ERROR with the reason when the text is not a job of
' this version (wrong version, cut short, a character or escape the server never writes).
Public Function NbParsePlan(ByVal text As String) As Variant
    Dim lines() As String, fields() As String, recs() As Variant, rec As Variant
    Dim i As Long, n As Long, want As Long, kind As String, count As Long, ended As Boolean
    Dim nCols As Long  ' the results' columns: the header line's fields, before any row
    If Right$(text, 1) <> vbLf Then NbBadPlan "cut short"
    lines = Split(Left$(text, Len(text) - 1), vbLf)
    If lines(0) <> PLAN_MAGIC & vbTab & PLAN_VERSION Then NbBadPlan "version " & Left$(lines(0), 40)
    ReDim recs(0 To UBound(lines))
    For i = 1 To UBound(lines)
        If ended Then NbBadPlan "line " & (i + 1) & " after the end"
        NbCheckAscii lines(i), i
        fields = Split(lines(i), vbTab)
        kind = fields(0)
        n = UBound(fields)
        Select Case kind
            Case "alert": want = 3
            Case "result": want = 3
            Case "header": want = n: nCols = n
            Case "columns": want = n
            Case "row"
                If nCols = 0 Then NbBadPlan "line " & (i + 1) & ": a row before the header"
                want = 4 + nCols
            Case "fill": want = 6
            Case "status": want = 3
            Case "cell": want = 4
            Case "end": want = 1
            Case Else: want = -1  ' a record of a later minor revision: skipped
        End Select
        If want >= 0 Then
            If n <> want Then NbBadPlan "line " & (i + 1) & ": " & kind & " has " & n & " fields"
            rec = NbRecord(fields)
            If kind = "end" Then
                If rec(1) <> i Then NbBadPlan "the end line counts " & rec(1) & " lines, not " & i
                ended = True
            Else
                recs(count) = rec
                count = count + 1
            End If
        End If
    Next i
    If Not ended Then NbBadPlan "cut short"
    If count = 0 Then NbBadPlan "empty"
    ReDim Preserve recs(0 To count - 1)
    NbParsePlan = recs
End Function

' One line's fields decoded: element 0 the kind, then strings unescaped, numbers as Long and
' values typed.  A new array each call (arrays assigned in LibreOffice Basic are shared).
Private Function NbRecord(fields() As String) As Variant
    Dim rec() As Variant, k As Long, n As Long, kind As String
    kind = fields(0)
    n = UBound(fields)
    ReDim rec(0 To n)
    rec(0) = kind
    For k = 1 To n
        Select Case kind
            Case "row"
                If k >= 5 Then rec(k) = NbValue(fields(k)) Else rec(k) = NbUnescape(fields(k))
            Case "fill"
                If k >= 2 And k <= 5 Then rec(k) = NbNumber(fields(k)) Else rec(k) = NbUnescape(fields(k))
            Case "columns"
                rec(k) = NbNumber(fields(k))
            Case "cell"
                If k = 2 Or k = 3 Then
                    rec(k) = NbNumber(fields(k))
                ElseIf k = 4 Then
                    rec(k) = NbValue(fields(k))
                Else
                    rec(k) = NbUnescape(fields(k))
                End If
            Case "end"
                rec(k) = NbNumber(fields(k))
            Case Else
                rec(k) = NbUnescape(fields(k))
        End Select
    Next k
    NbRecord = rec
End Function

Private Sub NbBadPlan(ByVal detail As String)
    NbFail Replace(NbText("bad_reply"), "{detail}", detail)
End Sub

Private Sub NbCheckAscii(ByVal ln As String, ByVal i As Long)
    Dim k As Long, c As Long
    For k = 1 To Len(ln)
        c = AscW(Mid$(ln, k, 1))
        If (c < 32 Or c > 126) And c <> 9 Then NbBadPlan "line " & (i + 1) & ", character " & k
    Next k
End Sub

Private Function NbNumber(ByVal s As String) As Long
    Dim k As Long
    If s = "" Or Len(s) > 9 Then NbBadPlan "number " & Left$(s, 20)
    For k = 1 To Len(s)
        If InStr("0123456789", Mid$(s, k, 1)) = 0 Then NbBadPlan "number " & Left$(s, 20)
    Next k
    NbNumber = CLng(s)
End Function

' A typed value: "" Empty, "n:1.5" a number (Val: the decimal point whatever the locale),
' "s:..." a text.
Private Function NbValue(ByVal s As String) As Variant
    Dim k As Long, ch As String
    If s = "" Then
        NbValue = Empty
    ElseIf Left$(s, 2) = "s:" Then
        NbValue = NbUnescape(Mid$(s, 3))
    ElseIf Left$(s, 2) = "n:" And Len(s) > 2 Then
        For k = 3 To Len(s)
            ch = Mid$(s, k, 1)
            If InStr("0123456789.eE+-", ch) = 0 Then NbBadPlan "value " & Left$(s, 30)
        Next k
        NbValue = Val(Mid$(s, 3))
    Else
        NbBadPlan "value " & Left$(s, 30)
    End If
End Function

' The inverse of nianbao.addin_marks.escape.
Public Function NbUnescape(ByVal s As String) As String
    Dim i As Long, j As Long, out As String, code As Long
    i = 1
    Do While i <= Len(s)
        j = InStr(i, s, "\")
        If j = 0 Then
            out = out & Mid$(s, i)
            Exit Do
        End If
        out = out & Mid$(s, i, j - i)
        Select Case Mid$(s, j + 1, 1)
            Case "\": out = out & "\": i = j + 2
            Case "t": out = out & vbTab: i = j + 2
            Case "n": out = out & vbLf: i = j + 2
            Case "r": out = out & vbCr: i = j + 2
            Case "u"
                code = NbHex(Mid$(s, j + 2, 4))
                out = out & NbChar(code): i = j + 6
            Case "U"
                code = NbHex(Mid$(s, j + 2, 8))
                If code < &H10000 Or code > &H10FFFF Then NbBadPlan "escape " & Mid$(s, j, 10)
                code = code - &H10000
                out = out & NbChar(&HD800& + code \ &H400&) & NbChar(&HDC00& + (code And &H3FF&))
                i = j + 10
            Case Else
                NbBadPlan "escape " & Mid$(s, j, 6)
        End Select
    Loop
    NbUnescape = out
End Function

Private Function NbHex(ByVal digits As String) As Long
    Dim k As Long, d As Long, v As Long
    If Len(digits) <> 4 And Len(digits) <> 8 Then NbBadPlan "escape " & digits
    For k = 1 To Len(digits)
        d = InStr("0123456789ABCDEF", Mid$(digits, k, 1)) - 1
        If d < 0 Then NbBadPlan "escape " & digits
        If v > &H7FFFFFF Then NbBadPlan "escape " & digits
        v = v * 16 + d
    Next k
    NbHex = v
End Function

' ChrW for 0..65535 (ChrW takes the upper half as negative numbers in some hosts).
Private Function NbChar(ByVal code As Long) As String
    If code > 32767 Then NbChar = ChrW(code - 65536) Else NbChar = ChrW(code)
End Function

' ---- the paint job: painting --------------------------------------------------------------------

' Paint a parsed job on wb: fills, the results sheet, the result cell and the record.  Sheets protected
' without a password are unprotected and protected again with the same permissions.
Public Sub NbPaint(ByVal wb As Object, plan As Variant)
    Dim lifted As Collection, i As Long, rec As Variant, ws As Object, names As Collection
    Dim updating As Boolean, number As Long, description As String
    Set names = New Collection
    For i = LBound(plan) To UBound(plan)
        rec = plan(i)
        Select Case rec(0)
            Case "fill", "status", "cell": NbAddName names, CStr(rec(1))
        End Select
    Next i
    updating = Application.ScreenUpdating
    Application.ScreenUpdating = False
    Set lifted = New Collection
    On Error GoTo failed
    For i = 1 To names.Count
        If NbSheetExists(wb, names(i)) Then NbUnprotect wb.Worksheets(names(i)), lifted
    Next i
    For i = LBound(plan) To UBound(plan)
        rec = plan(i)
        If rec(0) = "fill" Then
            If NbSheetExists(wb, CStr(rec(1))) Then
                Set ws = wb.Worksheets(CStr(rec(1)))
                NbFill ws.Range(ws.Cells(rec(2), rec(3)), ws.Cells(rec(4), rec(5))), CStr(rec(6))
            End If
        End If
    Next i
    NbWriteResults wb, plan
    For i = LBound(plan) To UBound(plan)
        rec = plan(i)
        If rec(0) = "status" Then
            If NbSheetExists(wb, CStr(rec(1))) Then
                wb.Worksheets(CStr(rec(1))).Range(CStr(rec(2))).Value = _
                    NbLiteral(Replace(CStr(rec(3)), TIME_MARK, NbNow()))
            End If
        ElseIf rec(0) = "cell" Then
            If NbSheetExists(wb, CStr(rec(1))) Then
                wb.Worksheets(CStr(rec(1))).Cells(rec(2), rec(3)).Value = NbLiteral(rec(4))
            End If
        End If
    Next i
    NbProtectAgain lifted
    Application.ScreenUpdating = updating
    NbActivateResults wb, plan
    Exit Sub
failed:
    number = Err.Number
    description = Err.Description
    On Error Resume Next
    NbProtectAgain lifted
    Application.ScreenUpdating = updating
    On Error GoTo 0
    Err.Raise number, "nianbao", description
End Sub

' The date and time as 2025-03-01 09:05 (built by hand: Format's codes differ between hosts).
Private Function NbNow() As String
    Dim t As Date
    t = Now
    NbNow = Year(t) & "-" & Right$("0" & Month(t), 2) & "-" & Right$("0" & Day(t), 2) & " " _
            & Right$("0" & Hour(t), 2) & ":" & Right$("0" & Minute(t), 2)
End Function

' The alert of a parsed job: its text, title and whether it is an error.
Public Sub NbShowAlert(plan As Variant)
    Dim i As Long, rec As Variant
    For i = LBound(plan) To UBound(plan)
        rec = plan(i)
        If rec(0) = "alert" Then
            If rec(3) = "1" Then
                MsgBox rec(2), vbCritical, rec(1)
            Else
                MsgBox rec(2), vbInformation, rec(1)
            End If
        End If
    Next i
End Sub

' The the results sheet sheet: cleared when it exists, else added at the end; title, summary, headers and
' one row per finding (values in one block), the level cells filled, the position cells linked.
Private Sub NbWriteResults(ByVal wb As Object, plan As Variant)
    Dim i As Long, k As Long, rec As Variant, ws As Object, rows As Long, block() As Variant
    Dim r As Long, sheetName As String, title As String, summary As String, headers As Variant
    Dim widths As Variant, cols As Long
    For i = LBound(plan) To UBound(plan)
        rec = plan(i)
        If rec(0) = "result" Then
            sheetName = rec(1): title = rec(2): summary = rec(3)
        ElseIf rec(0) = "header" Then
            headers = rec
        ElseIf rec(0) = "columns" Then
            widths = rec
        ElseIf rec(0) = "row" Then
            rows = rows + 1
        End If
    Next i
    If sheetName = "" Then Exit Sub
    cols = 1
    If IsArray(headers) Then cols = UBound(headers)  ' element 0 is the record's kind
    If NbSheetExists(wb, sheetName) Then
        Set ws = wb.Worksheets(sheetName)
        On Error Resume Next  ' LibreOffice has no Hyperlinks.Delete (its Clear removes them)
        ws.Hyperlinks.Delete
        On Error GoTo 0
        ws.Cells.Clear
    Else
        Set ws = wb.Worksheets.Add(After:=wb.Sheets(wb.Sheets.Count))
        ws.Name = sheetName
    End If
    ReDim block(1 To RESULT_FIRST_ROW - 1 + rows, 1 To cols)
    block(1, 1) = NbLiteral(title)
    block(2, 1) = NbLiteral(summary)
    If IsArray(headers) Then
        For k = 1 To UBound(headers)
            block(RESULT_FIRST_ROW - 1, k) = NbLiteral(headers(k))
        Next k
    End If
    r = RESULT_FIRST_ROW
    For i = LBound(plan) To UBound(plan)
        rec = plan(i)
        If rec(0) = "row" Then
            For k = 1 To cols
                block(r, k) = NbLiteral(rec(4 + k))
            Next k
            r = r + 1
        End If
    Next i
    ws.Range(ws.Cells(1, 1), ws.Cells(RESULT_FIRST_ROW - 1 + rows, cols)).Value = block
    r = RESULT_FIRST_ROW
    For i = LBound(plan) To UBound(plan)
        rec = plan(i)
        If rec(0) = "row" Then
            NbFill ws.Cells(r, 2), CStr(rec(2))
            If rec(3) <> "" And rec(4) <> "" Then
                NbLink ws, ws.Cells(r, 3), "'" & Replace(rec(3), "'", "''") & "'!" & rec(4)
            End If
            r = r + 1
        End If
    Next i
    If IsArray(widths) Then  ' as check --mark: fixed widths, the message column wrapped
        For k = 2 To UBound(widths)
            ws.Columns(k - 1).ColumnWidth = widths(k)
        Next k
        If rows > 0 Then
            With ws.Range(ws.Cells(RESULT_FIRST_ROW, 1), ws.Cells(RESULT_FIRST_ROW - 1 + rows, cols))
                .VerticalAlignment = XL_TOP
                If widths(1) >= 1 Then
                    ws.Range(ws.Cells(RESULT_FIRST_ROW, widths(1)), ws.Cells(RESULT_FIRST_ROW - 1 + rows, widths(1))).WrapText = True
                End If
                .EntireRow.AutoFit
            End With
        End If
    Else
        ws.Range(ws.Cells(RESULT_FIRST_ROW - 1, 1), ws.Cells(RESULT_FIRST_ROW - 1 + rows, cols)).Columns.AutoFit
    End If
End Sub

' A link from cell to a place in the same workbook ('sheet'!A1); the cell keeps its text.
Private Sub NbLink(ByVal ws As Object, ByVal cell As Object, ByVal place As String)
    On Error GoTo address
    ws.Hyperlinks.Add cell, "", place
    Exit Sub
address:  ' a host that wants an address even for a place in the workbook (LibreOffice)
    ws.Hyperlinks.Add cell, "#" & place
End Sub

Private Sub NbActivateResults(ByVal wb As Object, plan As Variant)
    Dim i As Long, rec As Variant
    On Error Resume Next  ' showing the sheet is a courtesy: a hidden window must not fail Check
    For i = LBound(plan) To UBound(plan)
        rec = plan(i)
        If rec(0) = "result" Then wb.Worksheets(CStr(rec(1))).Activate
    Next i
End Sub

' "RRGGBB" as the range's fill; "" removes the fill.
Private Sub NbFill(ByVal rng As Object, ByVal colour As String)
    If colour = "" Then
        rng.Interior.ColorIndex = XL_NONE
    Else
        rng.Interior.Color = RGB(NbHex2(Mid$(colour, 1, 2)), NbHex2(Mid$(colour, 3, 2)), NbHex2(Mid$(colour, 5, 2)))
    End If
End Sub

Private Function NbHex2(ByVal digits As String) As Long
    NbHex2 = (InStr("0123456789ABCDEF", UCase$(Left$(digits, 1))) - 1) * 16 _
             + InStr("0123456789ABCDEF", UCase$(Right$(digits, 1))) - 1
End Function

' A value as a cell takes it: a text with a leading apostrophe, so that "=...", "+1",
' "2025-01-01" stay the text they are (Excel does not show the apostrophe).
Public Function NbLiteral(ByVal v As Variant) As Variant
    If VarType(v) = vbString Then
        If Len(v) > 0 Then NbLiteral = "'" & v Else NbLiteral = Empty
    Else
        NbLiteral = v
    End If
End Function

Private Sub NbAddName(names As Collection, ByVal sheetName As String)
    Dim i As Long
    For i = 1 To names.Count
        If names(i) = sheetName Then Exit Sub
    Next i
    names.Add sheetName
End Sub

Public Function NbSheetExists(ByVal wb As Object, ByVal sheetName As String) As Boolean
    Dim ws As Object
    For Each ws In wb.Worksheets
        If ws.Name = sheetName Then
            NbSheetExists = True
            Exit Function
        End If
    Next ws
End Function

' Lift a password-less protection, remembering what it allowed; a password stops Check with a
' message naming the sheet.
Private Sub NbUnprotect(ByVal ws As Object, lifted As Collection)
    Dim allowed(0 To 13) As Variant
    If Not ws.ProtectContents Then Exit Sub
    Set allowed(0) = ws
    allowed(1) = ws.ProtectDrawingObjects
    allowed(2) = ws.ProtectScenarios
    On Error Resume Next  ' LibreOffice has no Protection object: its permissions stay Empty
    With ws.Protection
        allowed(3) = .AllowFormattingCells
        allowed(4) = .AllowFormattingColumns
        allowed(5) = .AllowFormattingRows
        allowed(6) = .AllowInsertingColumns
        allowed(7) = .AllowInsertingRows
        allowed(8) = .AllowInsertingHyperlinks
        allowed(9) = .AllowDeletingColumns
        allowed(10) = .AllowDeletingRows
        allowed(11) = .AllowSorting
        allowed(12) = .AllowFiltering
        allowed(13) = .AllowUsingPivotTables
    End With
    On Error GoTo locked
    ws.Unprotect
    On Error GoTo 0
    lifted.Add allowed
    Exit Sub
locked:
    NbFail Replace(NbText("protected"), "{sheet}", ws.Name)
End Sub

Private Sub NbProtectAgain(lifted As Collection)
    Dim a As Variant
    If lifted Is Nothing Then Exit Sub
    Do While lifted.Count > 0
        a = lifted(1)
        lifted.Remove 1
        If IsEmpty(a(3)) Then  ' permissions unknown (LibreOffice): protected as before, no more
            a(0).Protect DrawingObjects:=a(1), Contents:=True, Scenarios:=a(2)
        Else
            a(0).Protect DrawingObjects:=a(1), Contents:=True, Scenarios:=a(2), _
                AllowFormattingCells:=a(3), AllowFormattingColumns:=a(4), AllowFormattingRows:=a(5), _
                AllowInsertingColumns:=a(6), AllowInsertingRows:=a(7), AllowInsertingHyperlinks:=a(8), _
                AllowDeletingColumns:=a(9), AllowDeletingRows:=a(10), AllowSorting:=a(11), _
                AllowFiltering:=a(12), AllowUsingPivotTables:=a(13)
        End If
    Loop
End Sub
